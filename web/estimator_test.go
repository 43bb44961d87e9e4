package web

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// byTestID returns the text of every element with the data-testid.
func byTestID(doc *html.Node, id string) []string {
	var out []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "data-testid") == id {
			out = append(out, text(n))
		}
	}
	return out
}

func oneTestID(t *testing.T, doc *html.Node, id string) string {
	t.Helper()
	got := byTestID(doc, id)
	if len(got) != 1 {
		t.Fatalf("want one element with data-testid=%q, got %q", id, got)
	}
	return got[0]
}

// labels maps each <label>'s text to its for= attribute.
func labels(doc *html.Node) map[string]string {
	out := map[string]string{}
	for _, l := range find(doc, "label") {
		out[text(l)] = attr(l, "for")
	}
	return out
}

// fieldError returns the message next to a field ("" when none).
func fieldError(doc *html.Node, name string) string {
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "id") == "err-"+name {
			return text(n)
		}
	}
	return ""
}

func inputValue(doc *html.Node, name string) string {
	for _, in := range find(doc, "input") {
		if attr(in, "name") == name {
			return attr(in, "value")
		}
	}
	return ""
}

func pageOK(t *testing.T, s http.Handler, target string) *html.Node {
	t.Helper()
	w := get(s, target)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", target, w.Code)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	assertSecurityHeaders(t, w.Header())
	return parsePage(t, w.Body.String())
}

func TestSSMEstimatorHasTheLabelledFields(t *testing.T) {
	s, _ := newTestServer(t)
	doc := pageOK(t, s, "/ssm")
	got := labels(doc)
	for label, id := range map[string]string{
		"Region": "region", "Edition": "edition", "Credentials": "credentials", "QPS units": "qps_units",
		"Billing mode": "billing", "Term": "term", "Old billing (existing customers)": "compare",
		"API calls per month": "api_calls",
	} {
		if got[label] != id {
			t.Errorf("label %q is for %q, want %q", label, got[label], id)
		}
	}
	body := get(s, "/ssm").Body.String()
	for _, want := range []string{`<optgroup label="Region group II">`, `>Tokyo</option>`, `>Monthly</option>`, `>Annual</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The default quote is there at once, without JavaScript.
	if total := oneTestID(t, doc, "quote-monthly-total"); total != "366.00" {
		t.Errorf("default monthly total %s, want 366.00 (1,000 credentials in Beijing)", total)
	}
}

// TestSSMQueryStringReproducesTheQuote is the bookmark round trip: the URL alone gives
// the same numbers, on the page and in its live fragment.
func TestSSMQueryStringReproducesTheQuote(t *testing.T) {
	s, _ := newTestServer(t)
	q := "region=ap-tokyo&edition=enterprise&credentials=2500&qps_units=2&billing=annual&term=1"
	for _, path := range []string{"/ssm?" + q, "/ssm/quote?" + q} {
		doc := pageOK(t, s, path)
		if got := oneTestID(t, doc, "quote-monthly-total"); got != "1,865.00" {
			t.Errorf("%s: monthly %s, want 1,865.00", path, got)
		}
		if got := oneTestID(t, doc, "quote-upfront-total"); got != "22,380.00" {
			t.Errorf("%s: up front %s, want 22,380.00", path, got)
		}
		if got := oneTestID(t, doc, "sizing-packages"); got != "3" {
			t.Errorf("%s: packages %s, want 3", path, got)
		}
		if got := oneTestID(t, doc, "sizing-qps"); got != "2,500" {
			t.Errorf("%s: total QPS %s, want 2,500", path, got)
		}
	}
	doc := pageOK(t, s, "/ssm?"+strings.Replace(q, "ap-tokyo", "ap-guangzhou", 1))
	if got := oneTestID(t, doc, "quote-monthly-total"); got != "1,282.00" {
		t.Errorf("Guangzhou monthly %s, want 1,282.00", got)
	}
	if got := inputValue(doc, "credentials"); got != "2500" {
		t.Errorf("credentials field %q: the form must show the inputs of the URL", got)
	}
}

func TestSSMBadInputShowsAMessageAndKeepsWhatWasTyped(t *testing.T) {
	s, _ := newTestServer(t)
	tests := []struct {
		query, field, want string
	}{
		{"credentials=-5", "credentials", "negative"},
		{"credentials=abc", "credentials", "whole number"},
		{"credentials=99999999999999999999999", "credentials", "at most 1,000,000"},
		{"credentials=", "credentials", "at least 1"},
		{"qps_units=1.5", "qps_units", "whole number"},
		{"billing=annual&term=5", "term", "1, 2 or 3 years"},
		{"billing=monthly&term=12", "term", "1 to 11 months"},
		// 12 times these wraps around to 12 and to a negative number.
		{"billing=annual&term=4611686018427387905", "term", "1, 2 or 3 years"},
		{"billing=annual&term=1000000000000000000", "term", "1, 2 or 3 years"},
		{"billing=annual&term=-1", "term", "negative"},
		{"needs=1&needs_secrets=10&needs_qps=6000000", "needs_qps", "at most 5,000,500 for 10 secrets"},
		{"needs=1&needs_secrets=&needs_qps=100", "needs_secrets", "Enter a number"}, // blank: not "must be a number"
		{"region=mars", "region", "not a region"},
		{"compare=1&api_calls=-1", "api_calls", "negative"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/ssm?", "/ssm/quote?"} {
			doc := pageOK(t, s, path+tt.query)
			if msg := fieldError(doc, tt.field); !strings.Contains(msg, tt.want) {
				t.Errorf("%s%s: %s error %q, want %q", path, tt.query, tt.field, msg, tt.want)
			}
			if n := len(byTestID(doc, "field-error")); n != 1 {
				t.Errorf("%s%s: %d field errors, want 1", path, tt.query, n)
			}
		}
	}
	doc := pageOK(t, s, "/ssm?credentials=abc")
	if got := inputValue(doc, "credentials"); got != "abc" {
		t.Errorf("the field shows %q, want what was typed", got)
	}
	if got := oneTestID(t, doc, "quote-empty"); got == "" {
		t.Error("an invalid form must say why there is no quote")
	}
}

func TestSSMComparesOldBillingSideBySide(t *testing.T) {
	s, _ := newTestServer(t)
	doc := pageOK(t, s, "/ssm?region=ap-beijing&credentials=100&billing=monthly&term=1&compare=1&api_calls=60000")
	if got := oneTestID(t, doc, "legacy-monthly-total"); got != "40.30" {
		t.Errorf("old billing of the guide's example: %s, want 40.30", got)
	}
	if got := oneTestID(t, doc, "quote-monthly-total"); got != "366.00" {
		t.Errorf("new billing: %s, want 366.00", got)
	}
	cmp := oneTestID(t, doc, "comparison")
	for _, want := range []string{"325.70 more", "cheaper from 915 to 1,000"} { // 0.4c + 0.30 > 366
		if !strings.Contains(cmp, want) {
			t.Errorf("comparison %q lacks %q", cmp, want)
		}
	}
	if strings.Contains(get(s, "/ssm").Body.String(), `data-testid="legacy-monthly-total"`) {
		t.Error("old billing shows only when asked for")
	}
}

func TestKMSEstimatorQuotesWithNotes(t *testing.T) {
	s, _ := newTestServer(t)
	doc := pageOK(t, s, "/kms")
	got := labels(doc)
	for _, label := range []string{"Region", "Customer managed keys", "Tencent Cloud managed keys", "Keys pending deletion", "API calls per month", "Days"} {
		if got[label] == "" {
			t.Errorf("no label %q", label)
		}
	}
	doc = pageOK(t, s, "/kms?region=ap-guangzhou&customer_keys=10&managed_keys=2&pending_deletion_keys=1&api_calls=20500&days=30")
	if total := oneTestID(t, doc, "quote-monthly-total"); total != "18.02" { // 18.00 + 1,000 calls x 0.18/10,000
		t.Errorf("monthly %s, want 18.02", total)
	}
	body := text(doc)
	for _, want := range []string{"first 20,000 calls free", "billed as 1,000 calls (minimum)", "not billed while scheduled for deletion", "3rd to 5th day"} {
		if !strings.Contains(body, want) {
			t.Errorf("the KMS quote lacks %q", want)
		}
	}
	doc = pageOK(t, s, "/kms/quote?customer_keys=x&days=40")
	if !strings.Contains(fieldError(doc, "customer_keys"), "whole number") || !strings.Contains(fieldError(doc, "days"), "1 to 31") {
		t.Errorf("fragment errors: %q / %q", fieldError(doc, "customer_keys"), fieldError(doc, "days"))
	}
	doc = pageOK(t, s, "/kms?customer_keys=201")
	if !strings.Contains(text(doc), "quota increase") {
		t.Error("201 keys in one region must warn about the quota")
	}
}

// TestEstimatorPageWeighsUnder60KB keeps the estimator fast on a phone: the page, its
// CSS and its JavaScript together stay under 60 KB before compression, and nothing
// comes from another host.
func TestEstimatorPageWeighsUnder60KB(t *testing.T) {
	s, _ := newTestServer(t)
	for _, page := range []string{"/ssm?compare=1", "/kms"} {
		w := get(s, page)
		total := w.Body.Len()
		doc := parsePage(t, w.Body.String())
		var assets []string
		for _, l := range find(doc, "link") {
			if attr(l, "rel") == "stylesheet" {
				assets = append(assets, attr(l, "href"))
			}
		}
		for _, sc := range find(doc, "script") {
			assets = append(assets, attr(sc, "src"))
		}
		for _, a := range assets {
			if !strings.HasPrefix(a, "/static/") {
				t.Errorf("%s loads %s from elsewhere", page, a)
				continue
			}
			total += get(s, a).Body.Len()
		}
		if total >= 60*1024 {
			t.Errorf("%s weighs %d bytes with its CSS and JS, want under 60 KB", page, total)
		}
	}
}
