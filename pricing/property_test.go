package pricing

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// randomItem draws a valid item; small numbers are favoured so that boundaries (free
// tier, minimums, package edges) are hit often.
func randomItem(r *rand.Rand, b *Book) Item {
	region := b.Regions[r.IntN(len(b.Regions))].ID
	n := func(max int64) int64 {
		switch r.IntN(3) {
		case 0:
			return r.Int64N(min(max, 30) + 1)
		case 1:
			return r.Int64N(min(max, 30_000) + 1)
		}
		return r.Int64N(max + 1)
	}
	switch r.IntN(3) {
	case 0:
		it := ssm(region, 1+n(999_999), n(10_000), BillingMonthly, 1+r.Int64N(11))
		if r.IntN(2) == 0 {
			it.Billing, it.TermMonths = BillingAnnual, 12*(1+r.Int64N(3))
		}
		return it
	case 1:
		it := kms(region, n(1_000_000), n(1_000_000), n(1_000_000), n(1_000_000_000_000))
		it.Days = 1 + r.Int64N(31)
		return it
	}
	return legacy(region, n(1_000_000), n(1_000_000_000_000))
}

func randomRequest(r *rand.Rand, b *Book) Request {
	items := make([]Item, 1+r.IntN(6))
	for i := range items {
		items[i] = randomItem(r, b)
	}
	return Request{Items: items}
}

func TestPropertyTotalsAreSumsOfRoundedLines(t *testing.T) {
	b := mustBook(t)
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		req := randomRequest(r, b)
		q, err := Compute(b, req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		monthly, upfront := decimal.Zero, decimal.Zero
		check := func(l Line) {
			if !l.Amount.Equal(l.Amount.Round(2)) {
				t.Fatalf("line not rounded to cents: %+v", l)
			}
			if l.Amount.IsNegative() || l.UnitPrice.IsNegative() || l.Quantity.IsNegative() {
				t.Fatalf("negative line: %+v", l)
			}
			monthly = monthly.Add(l.Amount)
		}
		for _, it := range q.Items {
			itemMonthly := decimal.Zero
			for _, l := range it.Lines {
				check(l)
				itemMonthly = itemMonthly.Add(l.Amount)
			}
			if !itemMonthly.Equal(it.Monthly) {
				t.Fatalf("item monthly %s is not the sum of its lines %s", it.Monthly, itemMonthly)
			}
			upfront = upfront.Add(it.Upfront)
		}
		for _, l := range q.AccountLines {
			check(l)
		}
		if !monthly.Equal(q.Totals.Monthly) || !upfront.Equal(q.Totals.Upfront) {
			t.Fatalf("totals %+v, sums %s / %s for %+v", q.Totals, monthly, upfront, req)
		}
	}
}

// TestPropertyMoreNeverCostsLess grows one quantity of one item and checks that
// neither total goes down.
func TestPropertyMoreNeverCostsLess(t *testing.T) {
	b := mustBook(t)
	r := rand.New(rand.NewPCG(3, 4))
	grow := []func(*Item, int64){
		func(it *Item, n int64) { it.Credentials += n },
		func(it *Item, n int64) { it.QPSUnits += n },
		func(it *Item, n int64) { it.CustomerKeys += n },
		func(it *Item, n int64) { it.ManagedKeys += n },
		func(it *Item, n int64) { it.PendingDeletionKeys += n },
		func(it *Item, n int64) { it.APICalls += n },
		func(it *Item, n int64) {
			if it.Days+n <= 31 {
				it.Days += n
			}
		},
		func(it *Item, n int64) {
			if it.Billing == BillingMonthly && it.TermMonths+n <= 11 {
				it.TermMonths += n
			}
		},
	}
	for range 3000 {
		req := randomRequest(r, b)
		before, err := Compute(b, req)
		if err != nil {
			t.Fatal(err)
		}
		more := Request{Items: append([]Item(nil), req.Items...)}
		i := r.IntN(len(more.Items))
		grow[r.IntN(len(grow))](&more.Items[i], 1+r.Int64N(25_000))
		after, err := Compute(b, more)
		if err != nil {
			continue // grown past a bound: not a quote to compare
		}
		if after.Totals.Monthly.LessThan(before.Totals.Monthly) || after.Totals.Upfront.LessThan(before.Totals.Upfront) {
			t.Fatalf("more costs less: %+v -> %+v\n%+v -> %+v", req.Items[i], more.Items[i], before.Totals, after.Totals)
		}
	}
}

func TestPropertyAddingAnItemNeverCostsLess(t *testing.T) {
	b := mustBook(t)
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		req := randomRequest(r, b)
		before, _ := Compute(b, req)
		after, err := Compute(b, Request{Items: append(append([]Item(nil), req.Items...), randomItem(r, b))})
		if err != nil {
			t.Fatal(err)
		}
		if after.Totals.Monthly.LessThan(before.Totals.Monthly) {
			t.Fatalf("an added item lowered the total: %s -> %s", before.Totals.Monthly, after.Totals.Monthly)
		}
	}
}
