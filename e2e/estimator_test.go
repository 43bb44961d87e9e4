package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kmsconsole/internal/testserver"
)

// The estimator journeys: what a buyer does on /ssm and /kms, with the numbers of
// /work/shared/PRICING.md. The quote is live: no test presses a button unless it is
// about the page without JavaScript.

// TestWorkedExampleOldBillingCosts40_30 is the purchase guide's example: 100
// credentials called 20 times a day for 30 days cost 40.00 + 0.30 on old billing.
func TestWorkedExampleOldBillingCosts40_30(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	wantCount(t, page.GetByTestId("legacy-monthly-total"), "old-billing totals before ticking", 0)

	choose(t, page, "Region", "Beijing")
	fill(t, page, "Credentials", "100")
	tick(t, page, "Old billing (existing customers)")
	fill(t, page, "API calls per month", "60000")

	wantText(t, page.GetByTestId("legacy-monthly-total"), "old-billing monthly total", "40.30")
	if err := expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Update quote"})).ToBeHidden(); err != nil {
		t.Errorf("with JavaScript the quote is live, so the Update quote button should be hidden: %v", err)
	}
	screenshot(t, page, "ssm-old-billing-40.30")
}

// TestLiveQuoteFollowsTheInputsAndTheURL: the quote follows every change without a
// button, the URL follows the inputs, and reloading that URL gives the same page.
func TestLiveQuoteFollowsTheInputsAndTheURL(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")

	choose(t, page, "Region", "Tokyo")
	fill(t, page, "Credentials", "2500")
	fill(t, page, "QPS units", "2")
	choose(t, page, "Billing mode", "Annual")
	fill(t, page, "Term", "1")
	wantTotals(t, page, "1,865.00", "22,380.00") // 3 x 529 + 2 x 139, x 12
	wantText(t, page.GetByTestId("sizing-packages"), "packages", "3")
	wantText(t, page.GetByTestId("sizing-qps"), "total QPS", "2,500")

	choose(t, page, "Region", "Guangzhou")
	wantTotals(t, page, "1,282.00", "15,384.00") // 3 x 366 + 2 x 92, x 12
	// A screen reader hears the new totals in one status line, not the whole quote
	// and its tables on every keystroke.
	wantText(t, page.GetByRole("status"), "the spoken summary", "Quote updated: 1,282.00 USD a month, 15,384.00 USD up front.")
	if n, err := page.Locator("[aria-live]:has([data-testid=quote-monthly-total])").Count(); err != nil || n != 0 {
		t.Errorf("%d live regions around the quote (%v), want none", n, err)
	}
	fill(t, page, "Credentials", "-1")
	wantText(t, page.GetByRole("status"), "the spoken summary of an error", "No quote: Correct the highlighted fields to see a quote.")
	fill(t, page, "Credentials", "2500")
	wantTotals(t, page, "1,282.00", "15,384.00")

	// Wait until the URL carries every input, then reload it.
	if err := expect.Page(page).ToHaveURL(regexp.MustCompile(`region=ap-guangzhou`)); err != nil {
		t.Fatalf("the URL does not follow the region: %s", page.URL())
	}
	u, err := url.Parse(page.URL())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"region": "ap-guangzhou", "credentials": "2500", "qps_units": "2", "billing": "annual", "term": "1"} {
		if got := u.Query().Get(k); got != v {
			t.Errorf("URL %s: %s=%q, want %q", u, k, got, v)
		}
	}
	if _, err := page.Reload(); err != nil {
		t.Fatalf("reload: %v", err)
	}
	wantTotals(t, page, "1,282.00", "15,384.00")
	wantText(t, page.GetByTestId("sizing-packages"), "packages after reload", "3")
	wantValue(t, label(page, "Region"), "region after reload", "ap-guangzhou")
	wantValue(t, label(page, "Credentials"), "credentials after reload", "2500")
	wantValue(t, label(page, "QPS units"), "QPS units after reload", "2")
	wantValue(t, label(page, "Billing mode"), "billing after reload", "annual")
	wantValue(t, label(page, "Term"), "term after reload", "1")
	screenshot(t, page, "ssm-live-guangzhou-annual")
}

// TestKMSFreeTierAndMinimumShowAsNotes: the free tier, the 1,000-call minimum, free
// managed keys and unbilled keys pending deletion are said on their lines.
func TestKMSFreeTierAndMinimumShowAsNotes(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/kms")

	fill(t, page, "Customer managed keys", "10")
	fill(t, page, "Tencent Cloud managed keys", "2")
	fill(t, page, "Keys pending deletion", "1")
	fill(t, page, "API calls per month", "20500")
	fill(t, page, "Days", "30")
	wantText(t, page.GetByTestId("quote-monthly-total"), "monthly total", "18.02") // 10 x 0.06 x 30 + 1,000 calls

	row := func(text string) playwright.Locator {
		return page.Locator(".quote-table tbody tr").Filter(playwright.LocatorFilterOptions{HasText: text})
	}
	for _, c := range []struct{ row, note string }{
		{"KMS API calls", "first 20,000 calls free"},
		{"KMS API calls", "billed as 1,000 calls (minimum)"},
		{"Tencent Cloud managed CMKs", "free"},
		{"CMKs in scheduled deletion", "not billed"},
	} {
		note := row(c.row).Locator(".note")
		if err := expect.Locator(note).ToContainText(c.note); err != nil {
			got, _ := note.AllInnerTexts()
			t.Errorf("line %q: note %q lacks %q", c.row, got, c.note)
		}
	}
	screenshot(t, page, "kms-20500-calls")

	fill(t, page, "API calls per month", "20000")
	wantText(t, page.GetByTestId("quote-monthly-total"), "monthly total at 20,000 calls", "18.00")
	if err := expect.Locator(page.Locator(".quote-table")).Not().ToContainText("(minimum)"); err != nil {
		t.Errorf("20,000 calls are all free: no minimum note expected: %v", err)
	}
}

// TestBadInputShowsTheFieldErrorAndRecovers: a wrong value gets a message beside its
// field, keeps what was typed, leaves the page working, and clears once fixed.
func TestBadInputShowsTheFieldErrorAndRecovers(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	problems := watchProblems(page)

	type journey struct {
		path, field string
		bad         []string
		good, total string   // the fix, and the monthly total it gives
		others      []string // fields that must stay on the page
	}
	for _, j := range []journey{
		{"/ssm", "Credentials", []string{"-5", "abc", "99999999999999999999"}, "2500", "1,098.00", []string{"Region", "QPS units", "Term"}},
		{"/kms", "Days", []string{"40"}, "30", "18.54", []string{"Region", "Customer managed keys", "API calls per month"}},
	} {
		goTo(t, page, j.path)
		input := label(page, j.field)
		msg := fieldOf(page, j.field).GetByTestId("field-error")
		for _, typed := range j.bad {
			what := j.path + " " + j.field + "=" + typed
			fill(t, page, j.field, typed)
			wantVisible(t, msg, what+": the message beside the field")
			wantCount(t, page.GetByTestId("field-error"), what+": messages on the page", 1)
			wantValue(t, input, what+": the field keeps what was typed", typed)
			if err := expect.Locator(input).ToHaveAttribute("aria-invalid", "true"); err != nil {
				t.Errorf("%s: the input should be aria-invalid: %v", what, err)
			}
			wantVisible(t, page.Locator("header.site-header"), what+": the header")
			for _, o := range j.others {
				wantVisible(t, label(page, o), what+": field "+o)
			}
			if err := expect.Locator(page.GetByTestId("quote-empty")).ToContainText("Correct the highlighted fields"); err != nil {
				t.Errorf("%s: the quote panel should say why there is no quote: %v", what, err)
			}
			wantCount(t, page.GetByTestId("quote-monthly-total"), what+": totals", 0)
			if typed == j.bad[len(j.bad)-1] {
				screenshot(t, page, "field-error"+strings.ReplaceAll(j.path, "/", "-"))
			}

			fill(t, page, j.field, j.good)
			wantCount(t, msg, what+": messages after the fix", 0)
			if err := expect.Locator(input).ToHaveAttribute("aria-invalid", "false"); err != nil {
				t.Errorf("%s: the input should no longer be aria-invalid after the fix: %v", what, err)
			}
			wantText(t, page.GetByTestId("quote-monthly-total"), what+": total after the fix", j.total)
			problems.check(t, what)
		}
	}
}

// TestWithoutJavaScriptTheFormStillQuotes: the form is a plain GET form; its submit
// button gives the same quote and a URL that holds the inputs.
func TestWithoutJavaScriptTheFormStillQuotes(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv, withoutJavaScript())
	goTo(t, page, "/ssm")

	choose(t, page, "Region", "Tokyo")
	fill(t, page, "Credentials", "2500")
	fill(t, page, "QPS units", "2")
	choose(t, page, "Billing mode", "Annual")
	fill(t, page, "Term", "1")
	if err := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Update quote"}).Click(); err != nil {
		t.Fatalf("press Update quote: %v", err)
	}
	wantTotals(t, page, "1,865.00", "22,380.00")

	u, err := url.Parse(page.URL())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"region": "ap-tokyo", "credentials": "2500", "qps_units": "2", "billing": "annual", "term": "1"} {
		if got := u.Query().Get(k); got != v {
			t.Errorf("URL %s: %s=%q, want %q", u, k, got, v)
		}
	}

	// The old-billing fields are hidden until the box is ticked; without JavaScript they
	// show once the form is sent with the box ticked.
	tick(t, page, "Old billing (existing customers)")
	if err := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Update quote"}).Click(); err != nil {
		t.Fatalf("press Update quote: %v", err)
	}
	wantText(t, page.GetByTestId("legacy-monthly-total"), "old billing of 2,500 credentials", "1,000.30")
	wantVisible(t, label(page, "API calls per month"), "the API calls field")
	screenshot(t, page, "ssm-without-javascript")
}

// TestLiveQuoteKeepsTheKeyboardFocus: a quote refreshed while the focus is inside it
// (on a line's "How this is priced", on Purchase) gives the focus back to the same
// control in the new quote rather than dropping it to the top of the page, so a
// keyboard user can go on: Enter on Purchase still reaches the review. A line's
// details the reader opened stay open.
func TestLiveQuoteKeepsTheKeyboardFocus(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1")
	wantTotals(t, page, "1,865.00", "22,380.00")

	// A change the user did not make from the focused control: as when the quote of
	// an earlier keystroke lands after Tab has moved on.
	refresh := func(credentials string) {
		t.Helper()
		if _, err := page.Evaluate(`n => {
			const c = document.getElementById("credentials");
			c.value = n;
			c.dispatchEvent(new Event("input", { bubbles: true }));
		}`, credentials); err != nil {
			t.Fatalf("change the credentials: %v", err)
		}
	}
	focused := func() string {
		t.Helper()
		f, err := page.Evaluate(`() => { const e = document.activeElement; return e.tagName.toLowerCase() + " " + e.textContent.trim().slice(0, 40) }`)
		if err != nil {
			t.Fatalf("read the focus: %v", err)
		}
		return fmt.Sprint(f)
	}

	summary := page.Locator("#results summary").First()
	if err := summary.Focus(); err != nil {
		t.Fatalf("focus the first line's details: %v", err)
	}
	keyboard(t, page).press("Enter") // opens them
	refresh("3500")
	wantTotals(t, page, "2,394.00", "28,728.00") // 4 x 529 + 2 x 139, x 12
	if got := focused(); got != "summary How this is priced" {
		t.Errorf("after the quote refreshed under a line's details, the focus is on %q", got)
	}
	if open, err := summary.Evaluate(`s => s.parentElement.open`, nil); err != nil || open != true {
		t.Errorf("the line's details the reader opened are closed after the refresh (%v)", err)
	}

	if err := button(page, "Purchase").Focus(); err != nil {
		t.Fatalf("focus Purchase: %v", err)
	}
	refresh("4500")
	wantTotals(t, page, "2,923.00", "35,076.00") // 5 x 529 + 2 x 139, x 12
	if got := focused(); got != "button Purchase" {
		t.Fatalf("after the quote refreshed under Purchase, the focus is on %q", got)
	}
	keyboard(t, page).press("Enter")
	wantReviewURL(t, page)
}

// TestTheStatusLineSaysOnlyWhatChanged: a refresh that leaves the totals as they were
// (KMS costs the same in every region) does not make a screen reader say them again.
func TestTheStatusLineSaysOnlyWhatChanged(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/kms")
	fill(t, page, "Customer managed keys", "20")
	wantText(t, page.GetByRole("status"), "the spoken summary", "Quote updated: 36.54 USD a month.")
	if _, err := page.Evaluate(`() => {
		window.statusChanges = 0;
		new MutationObserver(() => window.statusChanges++).observe(document.getElementById("quote-status"),
			{ childList: true, characterData: true, subtree: true });
	}`); err != nil {
		t.Fatal(err)
	}
	choose(t, page, "Region", "Tokyo")
	wantVisible(t, page.Locator(`tr.current a[href*="region=ap-tokyo"]`), "Tokyo as the current region after the refresh")
	if n, err := page.Evaluate(`() => window.statusChanges`); err != nil || fmt.Sprint(n) != "0" {
		t.Errorf("the status line changed %v times (%v) for the same totals, want 0", n, err)
	}
	wantText(t, page.GetByRole("status"), "the spoken summary after the refresh", "Quote updated: 36.54 USD a month.")
}

// TestEnterRefreshesTheQuoteInPlace: Enter in a field (a phone keyboard's Go) submits
// the estimator's form; with the quote live, the page stays where the reader is, with
// the focus in the field, rather than loading again from the top.
func TestEnterRefreshesTheQuoteInPlace(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	if _, err := page.Evaluate(`() => { window.sameDocument = true }`); err != nil {
		t.Fatal(err)
	}
	if err := label(page, "Credentials").Fill("1500"); err != nil {
		t.Fatal(err)
	}
	keyboard(t, page).press("Enter")
	wantTotals(t, page, "732.00", "732.00") // 2 packages in Beijing
	if same, err := page.Evaluate(`() => window.sameDocument === true`); err != nil || same != true {
		t.Errorf("Enter loaded the page again: %v %v", same, err)
	}
	if err := expect.Locator(label(page, "Credentials")).ToBeFocused(); err != nil {
		t.Errorf("after Enter the focus left the field: %v", err)
	}
}

// TestAQuoteAskedForAgainComesFromTheAnswerCache: switching the region back and forth
// asks the console for live quotes it has given before; from the third time each is
// served from its answer cache (gzipped, as the browser asked), and the page shows
// the same totals as when they were made.
func TestAQuoteAskedForAgainComesFromTheAnswerCache(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	choose(t, page, "Billing mode", "Annual")
	fill(t, page, "Credentials", "2500")
	fill(t, page, "QPS units", "2")
	fill(t, page, "Term", "1")
	for range 3 {
		choose(t, page, "Region", "Tokyo")
		wantTotals(t, page, "1,865.00", "22,380.00")
		choose(t, page, "Region", "Guangzhou")
		wantTotals(t, page, "1,282.00", "15,384.00")
	}
	if hits, _ := testserver.MetricValue(srv.Metrics(t), `console_answer_cache_total{result="hit"}`); hits == 0 {
		t.Error("no live quote was served from the answer cache")
	}
}
