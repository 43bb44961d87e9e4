package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestSizeFromNeedsFillsTheFieldsAndTheTotal: the customer gives secrets and a peak,
// the console fills the SKU fields, says why, and the quote and the URL follow.
func TestSizeFromNeedsFillsTheFieldsAndTheTotal(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	tick(t, page, "Size from my needs")
	fill(t, page, "Secrets to store", "2300")
	fill(t, page, "Peak QPS", "1800")
	wantText(t, page.GetByTestId("needs-reason"), "the reason",
		"2,300 secrets need 3 packages, which include 1,500 QPS; 1,800 QPS peak needs 1 more QPS unit.")
	wantValue(t, label(page, "Credentials"), "credentials", "2300")
	wantValue(t, label(page, "QPS units"), "QPS units", "1")
	wantText(t, page.GetByTestId("quote-monthly-total"), "monthly total", "1,190.00") // Beijing: 3 x 366 + 92
	if err := expect.Page(page).ToHaveURL(regexp.MustCompile(`needs_secrets=2300`)); err != nil {
		t.Errorf("the URL does not follow the needs: %s", page.URL())
	}
	// The fields filled in from the needs are not for typing in meanwhile.
	for _, name := range []string{"Credentials", "QPS units"} {
		if err := expect.Locator(label(page, name)).Not().ToBeEditable(); err != nil {
			t.Errorf("%s while sizing from needs: %v", name, err)
		}
	}
	screenshot(t, page, "ssm-size-from-needs")
	untick(t, page, "Size from my needs")
	fill(t, page, "Credentials", "5000")
	wantText(t, page.GetByTestId("quote-monthly-total"), "monthly total", "1,922.00") // 5 x 366 + 92
}

// TestRegionRowSwitchesTheRegion: a row of the region table takes the estimator there.
func TestRegionRowSwitchesTheRegion(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1")
	table := page.GetByTestId("region-table")
	wantVisible(t, table, "the region table")
	click(t, table.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Guangzhou"}), "the Guangzhou row")
	wantValue(t, label(page, "Region"), "region", "ap-guangzhou")
	wantTotals(t, page, "1,282.00", "15,384.00")
	screenshot(t, page, "ssm-regions")
}

// TestBreakEvenChartAndALineSource: with old billing the chart is there with its text
// alternative, and a quote line opens to show its arithmetic and source.
func TestBreakEvenChartAndALineSource(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm?region=ap-beijing&credentials=100&compare=1&api_calls=60000")
	wantVisible(t, page.GetByTestId("breakeven-chart").Locator("svg[role=img]"), "the chart")
	wantText(t, page.GetByTestId("breakeven-text"), "the chart's text",
		"New billing is cheaper from 915 to 1,000, from 1,830 to 2,000, from 2,745 to 3,000 credentials; at your 100 credentials old billing costs 40.30 USD and new billing 366.00 USD a month.")

	detail := page.GetByTestId("line-detail").First()
	formula := detail.GetByTestId("line-formula")
	if visible, _ := formula.IsVisible(); visible {
		t.Error("a line's arithmetic is closed until asked for")
	}
	click(t, detail.Locator("summary"), "How this is priced")
	wantText(t, formula, "the first line's formula", "100 credentials → 1 package × 366 = 366.00")
	wantVisible(t, detail.GetByText("Secrets Manager Purchase Guide", playwright.LocatorGetByTextOptions{Exact: playwright.Bool(false)}).First(), "the source")
	screenshot(t, page, "ssm-breakeven-and-source")
}
