package web

import (
	"strings"
	"testing"
)

func TestSizeFromNeedsFillsTheSubscription(t *testing.T) {
	s, _ := newTestServer(t)
	q := "region=ap-beijing&needs=1&needs_secrets=2300&needs_qps=1800&billing=monthly&term=1"
	// The page (no JavaScript) shows the filled fields; the fragment tells the script
	// what to fill.
	doc := pageOK(t, s, "/ssm?"+q)
	if inputValue(doc, "credentials") != "2300" || inputValue(doc, "qps_units") != "1" {
		t.Errorf("fields credentials=%q qps_units=%q, want 2300 and 1", inputValue(doc, "credentials"), inputValue(doc, "qps_units"))
	}
	for _, in := range find(doc, "input") {
		if n := attr(in, "name"); n == "credentials" || n == "qps_units" {
			if _, ro := hasAttr(in, "readonly"); !ro {
				t.Errorf("%s, filled in from the needs, is not read-only", n)
			}
		}
	}
	if body := get(s, "/ssm?credentials=2300").Body.String(); strings.Contains(body, "readonly") {
		t.Error("without sizing from needs, every field is for typing in")
	}
	reason := oneTestID(t, doc, "needs-reason")
	if reason != "2,300 secrets need 3 packages, which include 1,500 QPS; 1,800 QPS peak needs 1 more QPS unit." {
		t.Errorf("reason %q", reason)
	}
	if got := oneTestID(t, doc, "quote-monthly-total"); got != "1,190.00" { // 3 x 366 + 92
		t.Errorf("monthly %s, want 1,190.00", got)
	}
	body := get(s, "/ssm/quote?"+q).Body.String()
	for _, want := range []string{`data-set="credentials" value="2300"`, `data-set="qps_units" value="1"`, "1,190.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("the fragment lacks %s", want)
		}
	}
	doc = pageOK(t, s, "/ssm?needs=1&needs_secrets=0&needs_qps=abc")
	if !strings.Contains(fieldError(doc, "needs_secrets"), "at least 1") || !strings.Contains(fieldError(doc, "needs_qps"), "whole number") {
		t.Errorf("needs errors: %q / %q", fieldError(doc, "needs_secrets"), fieldError(doc, "needs_qps"))
	}
	// A blank count of calls still needs a unit that is one.
	if doc := pageOK(t, s, "/ssm?compare=1&api_calls=&api_calls_unit=bogus"); !strings.Contains(fieldError(doc, "api_calls"), "is not a unit") {
		t.Errorf("a blank count in an unknown unit: %q", fieldError(doc, "api_calls"))
	}
	// With them, a wrong count of calls still says so.
	if doc := pageOK(t, s, "/ssm?needs=1&needs_secrets=abc&compare=1&api_calls=abc"); fieldError(doc, "api_calls") == "" {
		t.Error("needs that cannot be sized hide the calls' problem")
	}
	// Needs that cannot be sized leave no quote of the credentials typed, and nothing
	// to purchase: the page and the fragment alike.
	for _, q := range []string{"needs=1&needs_secrets=abc", "needs=1&needs_secrets=", "needs=1&needs_secrets=2000000", "needs=1&needs_qps=-1",
		"needs=1&needs_secrets=abc&compare=1&api_calls=60000"} { // nor of the old billing
		for _, path := range []string{"/ssm?", "/ssm/quote?"} {
			body := get(s, path+q+"&credentials=1000").Body.String()
			if strings.Contains(body, `-monthly-total"`) || strings.Contains(body, "/purchase/ssm") ||
				!strings.Contains(body, "Correct the highlighted fields to see a quote.") {
				t.Errorf("%s%s: a quote or a purchase link, with needs that cannot be sized", path, q)
			}
		}
	}
}

func TestAPICallsInAnyUnit(t *testing.T) {
	s, _ := newTestServer(t)
	// The guide's worked example, counted its way: 100 credentials x 20 calls a day.
	doc := pageOK(t, s, "/ssm?region=ap-beijing&credentials=100&compare=1&api_calls=20&api_calls_unit=credential-day")
	if got := oneTestID(t, doc, "legacy-monthly-total"); got != "40.30" {
		t.Errorf("worked example per credential per day: %s, want 40.30", got)
	}
	if got := oneTestID(t, doc, "calls-note"); !strings.Contains(got, "60,000 calls a month") {
		t.Errorf("calls note %q", got)
	}
	if labels(doc)["API calls per credential per day"] != "api_calls" {
		t.Error("the field's label follows its unit")
	}
	// Counted per credential, the calls grow with the credentials the comparison
	// tries, whatever count was typed: 1,000 a day is 0.15 a credential a month, so
	// 0.55 against a package's 366 makes new billing cheaper from 666 credentials.
	for _, credentials := range []string{"100", "700"} {
		doc := pageOK(t, s, "/ssm?region=ap-beijing&compare=1&api_calls=1000&api_calls_unit=credential-day&credentials="+credentials)
		if got := oneTestID(t, doc, "comparison"); !strings.Contains(got, "With 30,000 API calls a month for each credential, the new billing is cheaper from 666 to 1,000,") {
			t.Errorf("%s credentials, 1,000 calls a day each: %q", credentials, got)
		}
		if got := oneTestID(t, doc, "breakeven-text"); !strings.HasPrefix(got, "New billing is cheaper from 666 to 1,000,") {
			t.Errorf("%s credentials, 1,000 calls a day each: chart %q", credentials, got)
		}
	}
	doc = pageOK(t, s, "/kms?region=ap-tokyo&customer_keys=0&api_calls=1&api_calls_unit=second")
	if got := oneTestID(t, doc, "quote-monthly-total"); got != "46.30" { // 2,592,000 - 20,000 = 2,572,000 x 0.18/10,000
		t.Errorf("1 call a second: %s, want 46.30", got)
	}
	// Calls a day count over the month the Days field gives, as key storage does.
	doc = pageOK(t, s, "/kms?region=ap-tokyo&customer_keys=0&api_calls=1000&api_calls_unit=day&days=10")
	if got := oneTestID(t, doc, "calls-note"); got != "Counted as 10,000 calls a month (10 days)." {
		t.Errorf("1,000 calls a day over 10 days: note %q", got)
	}
	if got := oneTestID(t, doc, "quote-monthly-total"); got != "0.00" { // within the free tier
		t.Errorf("10,000 calls: %s, want 0.00", got)
	}
	doc = pageOK(t, s, "/kms?api_calls=1000000&api_calls_unit=second")
	if !strings.Contains(fieldError(doc, "api_calls"), "more than") {
		t.Errorf("a million calls a second: %q", fieldError(doc, "api_calls"))
	}
	if len(byTestID(doc, "quote-monthly-total")) != 0 {
		t.Error("a count that cannot be converted gives no quote")
	}
}

func TestRegionComparisonLinksEachRegion(t *testing.T) {
	s, _ := newTestServer(t)
	body := get(s, "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1").Body.String()
	for _, want := range []string{`data-testid="region-table"`, "Region group I", "Region group II",
		`href="/ssm?billing=annual&amp;credentials=2500&amp;qps_units=2&amp;region=ap-guangzhou&amp;term=1"`,
		`aria-current="true">Tokyo`, "cheapest", "1,282.00", "15,384.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("the region table lacks %s", want)
		}
	}
	body = get(s, "/kms").Body.String()
	if !strings.Contains(body, `data-testid="regions-same"`) || strings.Contains(body, "badge-cheapest") {
		t.Error("KMS: the same in every region, no cheapest")
	}
	_, table, _ := strings.Cut(body, `data-testid="region-table"`)
	table, _, _ = strings.Cut(table, "</table>")
	if strings.Contains(table, "Region group") || strings.Count(table, "<tbody>") != 1 {
		t.Error("KMS: one list of regions, without Secrets Manager's price groups")
	}
}

func TestBreakEvenChartAndLineDetails(t *testing.T) {
	s, _ := newTestServer(t)
	doc := pageOK(t, s, "/ssm?region=ap-beijing&credentials=100&compare=1&api_calls=60000")
	text := oneTestID(t, doc, "breakeven-text")
	if !strings.Contains(text, "915 to 1,000") || !strings.Contains(text, "40.30") {
		t.Errorf("the chart's text alternative: %q", text)
	}
	if len(byTestID(doc, "breakeven-chart")) != 1 {
		t.Error("the chart must be on the page with old billing")
	}
	formulas := byTestID(doc, "line-formula")
	if len(formulas) == 0 || !strings.Contains(strings.Join(formulas, "|"), "100 credentials × 0.4 = 40.00") {
		t.Errorf("line formulas %q", formulas)
	}
	if n := len(find(doc, "details")); n < 3 {
		t.Errorf("every line opens to its arithmetic: %d details", n)
	}
}

// TestCustomersAreOfferedTheKMSEstimator: the warning that Secrets Manager adds KMS
// charges tells a customer where to estimate them; a rep adds a KMS line instead.
func TestCustomersAreOfferedTheKMSEstimator(t *testing.T) {
	s, _ := newTestServer(t)
	link := `can add KMS charges: <a href="/kms?region=ap-tokyo" data-testid="kms-estimator-link">estimate them in the KMS estimator</a>.`
	for path, want := range map[string]int{"/ssm?region=ap-tokyo": 1, "/ssm/quote?region=ap-tokyo": 1, "/purchase/ssm?region=ap-tokyo": 1,
		"/ssm?region=ap-tokyo&compare=1": 2} { // and the old billing's
		body := get(s, path).Body.String()
		if strings.Count(body, link) != want || strings.Contains(body, "add a KMS item") {
			t.Errorf("%s: %d links to the KMS estimator, want %d, and no offer to add a KMS item", path, strings.Count(body, link), want)
		}
	}
	if body := get(s, "/kms?region=ap-tokyo").Body.String(); strings.Contains(body, "kms-estimator-link") {
		t.Error("the KMS estimator offers itself")
	}
}

// TestKMSRefusesCallsPerCredential: KMS has no credentials to count calls for, so a
// link asking for calls per credential gets a message, not a quote of no calls.
func TestKMSRefusesCallsPerCredential(t *testing.T) {
	s, _ := newTestServer(t)
	for _, path := range []string{"/kms?", "/kms/quote?", "/purchase/kms?", "/kms?api_calls=&", "/purchase/kms?api_calls=&"} {
		body := get(s, path+"api_calls=50000&api_calls_unit=credential-day").Body.String()
		if strings.Contains(body, `data-testid="quote-monthly-total"`) || strings.Contains(body, `name="token"`) {
			t.Errorf("%s: calls per credential priced as a KMS quote", path)
		}
		if !strings.HasPrefix(path, "/purchase/") && !strings.Contains(body, "Calls per credential are for Secrets Manager") {
			t.Errorf("%s: no message on calls per credential", path)
		}
		if strings.Contains(body, "per credential per day") {
			t.Errorf("%s: the calls field is labelled per credential", path)
		}
	}
	doc := pageOK(t, s, "/kms?api_calls=5&api_calls_unit=year&customer_keys=-1")
	if got := fieldError(doc, "api_calls"); got != `"year" is not a unit; use month, day or second` {
		t.Errorf("KMS calls in years: %q, want KMS's own units", got)
	}
	if got := fieldError(doc, "customer_keys"); got == "" {
		t.Error("a problem with the calls' unit must not hide the other fields' problems")
	}
}
