package pricing

import (
	"math/rand/v2"
	"testing"
)

func TestCompareRegions(t *testing.T) {
	b := mustBook(t)
	prices, same, err := b.CompareRegions(ssm("ap-tokyo", 2500, 2, BillingAnnual, 12))
	if err != nil || same || len(prices) != 7 {
		t.Fatalf("%v %v %d", err, same, len(prices))
	}
	for _, p := range prices {
		want := map[string]string{"I": "1282", "II": "1865"}[p.Group]
		if !p.Monthly.Equal(d(want)) || p.Cheapest != (p.Group == "I") {
			t.Errorf("%s: %s cheapest=%v, want %s", p.Region, p.Monthly, p.Cheapest, want)
		}
		if !p.Upfront.Equal(p.Monthly.Mul(d("12"))) {
			t.Errorf("%s up front %s", p.Region, p.Upfront)
		}
	}
	if prices[0].Group != "I" || prices[6].Group != "II" {
		t.Error("regions come grouped by price group")
	}
	_, same, _ = b.CompareRegions(kms("ap-tokyo", 10, 0, 0, 125_000))
	if !same {
		t.Error("KMS costs the same in every region")
	}
	if _, _, err := b.CompareRegions(ssm("ap-tokyo", 0, 0, BillingMonthly, 1)); err == nil {
		t.Error("an invalid item cannot be compared")
	}
}

// Each region's price in the comparison is what a quote of that item in that region
// alone says, for random items of every kind.
func TestCompareRegionsAsQuotesOfTheirOwn(t *testing.T) {
	b := mustBook(t)
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		it := randomItem(r, b)
		prices, _, err := b.CompareRegions(it)
		if err != nil {
			t.Fatalf("%+v: %v", it, err)
		}
		if len(prices) != len(b.Regions) {
			t.Fatalf("%d regions compared, the book has %d", len(prices), len(b.Regions))
		}
		for _, p := range prices {
			it.Region = p.Region
			q := mustQuote(t, it)
			if !p.Monthly.Equal(q.Totals.Monthly) || !p.Upfront.Equal(q.Totals.Upfront) {
				t.Errorf("%+v in %s: compared %s / %s, its own quote %s / %s",
					it, p.Region, p.Monthly, p.Upfront, q.Totals.Monthly, q.Totals.Upfront)
			}
		}
	}
}

// TestBillingCurvesMatchQuotes checks the chart's lines against full quotes, and its
// break-even runs against a brute-force search.
func TestBillingCurvesMatchQuotes(t *testing.T) {
	b := mustBook(t)
	c, ok := b.BillingCurves("ap-guangzhou", 1, Calls{Monthly: 10_000_000}, 3)
	if !ok || c.MaxCredentials != 3000 || len(c.NewSteps) != 3 {
		t.Fatalf("%+v", c)
	}
	old := func(n int64) string {
		return mustQuote(t, legacy("ap-guangzhou", n, 10_000_000)).Totals.Monthly.String()
	}
	if c.OldAtZero.String() != old(0) || c.OldAtMax.String() != old(3000) {
		t.Errorf("old line %s..%s, want %s..%s", c.OldAtZero, c.OldAtMax, old(0), old(3000))
	}
	for k, step := range c.NewSteps {
		want := mustQuote(t, ssm("ap-guangzhou", int64(k+1)*1000, 1, BillingMonthly, 1)).Totals.Monthly
		if !step.Equal(want) {
			t.Errorf("step %d: %s, want %s", k+1, step, want)
		}
	}
	var brute []CredentialRange
	for n := int64(1); n <= 3000; n++ {
		newer := mustQuote(t, ssm("ap-guangzhou", n, 1, BillingMonthly, 1)).Totals.Monthly
		older := mustQuote(t, legacy("ap-guangzhou", n, 10_000_000)).Totals.Monthly
		if newer.LessThan(older) {
			if len(brute) > 0 && brute[len(brute)-1].To == n-1 {
				brute[len(brute)-1].To = n
			} else {
				brute = append(brute, CredentialRange{n, n})
			}
		}
	}
	if len(brute) != len(c.Cheaper) {
		t.Fatalf("break-even runs %v, brute force %v", c.Cheaper, brute)
	}
	for i := range brute {
		if brute[i] != c.Cheaper[i] {
			t.Errorf("run %d: %v, brute force %v", i, c.Cheaper[i], brute[i])
		}
	}
}
