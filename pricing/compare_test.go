package pricing

import (
	"reflect"
	"testing"
)

func TestNewBillingCheaperRanges(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		name          string
		region        string
		qps, apiCalls int64
		packages      int64
		want          []CredentialRange
	}{
		// Group I, no calls: 0.4 x c > 366 from c = 916 (915 x 0.4 = 366.00 is a tie).
		{"group I, no calls", "ap-beijing", 0, 0, 3, []CredentialRange{{916, 1000}, {1831, 2000}, {2746, 3000}}},
		// Group II: a package (529) costs more than 1,000 old credentials (400).
		{"group II, no calls", "ap-tokyo", 0, 0, 3, nil},
		// 100 million calls cost 500.00 on old billing: 0.4c + 500 > 529 from c = 73, > 1,058 from 1,396.
		{"group II, heavy calls", "ap-tokyo", 0, 100_000_000, 2, []CredentialRange{{73, 1000}, {1396, 2000}}},
		// A QPS unit (92) costs more than any package's saving in group I without calls.
		{"group I, one QPS unit", "ap-beijing", 1, 0, 2, nil},
		// With 10 million calls (50.00): 0.4c + 50 > 458 from c = 1,021, past the first package's end.
		{"group I, one QPS unit and calls", "ap-beijing", 1, 10_000_000, 2, []CredentialRange{{1936, 2000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.NewBillingCheaper(tt.region, tt.qps, Calls{Monthly: tt.apiCalls}, tt.packages)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNewBillingCheaperAgreesWithCompute checks the ranges against full quotes at and
// around every edge.
func TestNewBillingCheaperAgreesWithCompute(t *testing.T) {
	b := mustBook(t)
	for _, region := range []string{"ap-guangzhou", "ap-jakarta"} {
		for _, calls := range []int64{0, 5_000, 60_000, 20_000_000} {
			ranges := b.NewBillingCheaper(region, 1, Calls{Monthly: calls}, 4)
			cheaper := func(c int64) bool {
				for _, r := range ranges {
					if c >= r.From && c <= r.To {
						return true
					}
				}
				return false
			}
			for c := int64(1); c <= 4000; c++ {
				if c%97 != 0 && !cheaper(c) && !cheaper(c-1) && !cheaper(c+1) {
					continue // sample away from edges
				}
				n := mustQuote(t, ssm(region, c, 1, BillingMonthly, 1)).Totals.Monthly
				o := mustQuote(t, legacy(region, c, calls)).Totals.Monthly
				if got := n.LessThan(o); got != cheaper(c) {
					t.Fatalf("%s, %d calls, %d credentials: new %s vs old %s, ranges %v", region, calls, c, n, o, ranges)
				}
			}
		}
	}
}

// TestNewBillingCheaperWithCallsPerCredential: calls estimated per credential grow
// with the credentials compared, on both sides of every edge, as full quotes have it.
func TestNewBillingCheaperWithCallsPerCredential(t *testing.T) {
	b := mustBook(t)
	for _, perCredential := range []int64{600, 30_000, 2_000_000} { // calls a month each
		for _, region := range []string{"ap-beijing", "ap-tokyo"} {
			ranges := b.NewBillingCheaper(region, 0, Calls{PerCredential: perCredential}, 3)
			cheaper := func(c int64) bool {
				for _, r := range ranges {
					if c >= r.From && c <= r.To {
						return true
					}
				}
				return false
			}
			for c := int64(1); c <= 3000; c++ {
				if c%97 != 0 && c%1000 > 1 && cheaper(c-1) == cheaper(c) && cheaper(c) == cheaper(c+1) {
					continue // sample away from edges, and each package's ends
				}
				n := mustQuote(t, ssm(region, c, 0, BillingMonthly, 1)).Totals.Monthly
				o := mustQuote(t, legacy(region, c, perCredential*c)).Totals.Monthly
				if got := n.LessThan(o); got != cheaper(c) {
					t.Fatalf("%s, %d calls a credential, %d credentials: new %s vs old %s, ranges %v", region, perCredential, c, n, o, ranges)
				}
			}
			for i := 1; i < len(ranges); i++ {
				if ranges[i].From <= ranges[i-1].To+1 {
					t.Errorf("%s, %d calls a credential: runs %v, want them apart", region, perCredential, ranges)
				}
			}
		}
	}
	// 1,000 calls a day for each credential (30,000 a month): 0.4 + 0.15 a credential
	// on old billing, more than a package's 366 from 666 credentials.
	if got := b.NewBillingCheaper("ap-beijing", 0, Calls{PerCredential: 30_000}, 1); !reflect.DeepEqual(got, []CredentialRange{{666, 1000}}) {
		t.Errorf("Beijing, 1,000 calls a day a credential: %v, want from 666 to 1,000", got)
	}
}
