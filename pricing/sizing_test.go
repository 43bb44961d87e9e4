package pricing

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSizeFromNeeds(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		secrets, peak        int64
		packages, units, qps int64
		reason               string
	}{
		{2300, 1800, 3, 1, 2000, "2,300 secrets need 3 packages, which include 1,500 QPS; 1,800 QPS peak needs 1 more QPS unit."},
		{1, 0, 1, 0, 500, "1 secret needs 1 package, which includes 500 QPS; a peak of 0 QPS needs no more QPS units."},
		{1000, 500, 1, 0, 500, ""},
		{1000, 501, 1, 1, 1000, ""},
		{1001, 1000, 2, 0, 1000, ""},
		{1001, 1001, 2, 1, 1500, ""},
		{999, 1500, 1, 2, 1500, ""},
		{1, 1499, 1, 2, 1500, ""},
		{1_000_000, 5_500_000, 1000, 10_000, 5_500_000, ""},
		{1, 5_000_500, 1, 10_000, 5_000_500, ""},
	}
	for _, tt := range tests {
		s, err := b.SizeFromNeeds("", Needs{Secrets: tt.secrets, PeakQPS: tt.peak})
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if s.Packages != tt.packages || s.QPSUnits != tt.units || s.TotalQPS != tt.qps || s.Credentials != tt.secrets {
			t.Errorf("%d secrets, %d QPS: %+v, want %d packages, %d units, %d QPS", tt.secrets, tt.peak, s, tt.packages, tt.units, tt.qps)
		}
		if tt.reason != "" && s.Reason != tt.reason {
			t.Errorf("reason %q\nwant   %q", s.Reason, tt.reason)
		}
		if s.TotalQPS < tt.peak {
			t.Errorf("%+v does not serve a peak of %d", s, tt.peak)
		}
	}
}

// TestSizeFromNeedsIsTheCheapest compares the pick with every other configuration
// that covers the needs, by full quotes.
func TestSizeFromNeedsIsTheCheapest(t *testing.T) {
	b := mustBook(t)
	for _, region := range []string{"ap-beijing", "ap-tokyo"} {
		for _, n := range []Needs{{2300, 1800}, {1, 2600}, {4000, 0}, {500, 5000}} {
			s, _ := b.SizeFromNeeds("", n)
			best := mustQuote(t, ssm(region, s.Credentials, s.QPSUnits, BillingMonthly, 1)).Totals.Monthly
			for creds := n.Secrets; creds <= n.Secrets+3000; creds += 250 {
				for units := int64(0); units <= 12; units++ {
					q := mustQuote(t, ssm(region, creds, units, BillingMonthly, 1))
					if q.Items[0].SSM.TotalQPS >= n.PeakQPS && q.Totals.Monthly.LessThan(best) {
						t.Errorf("%s %+v: %d credentials and %d units cost %s, less than the pick %+v at %s",
							region, n, creds, units, q.Totals.Monthly, s, best)
					}
				}
			}
		}
	}
}

// TestEverySizingCanBePriced: at the largest peak each count of secrets accepts, the
// sizing is a subscription the engine prices (it once offered 19,000 QPS units, which
// the engine refuses).
func TestEverySizingCanBePriced(t *testing.T) {
	b := mustBook(t)
	for _, secrets := range []int64{1, 999, 1000, 1001, 250_000, 999_999, 1_000_000} {
		packages := ceilDiv(secrets, 1000)
		n := Needs{Secrets: secrets, PeakQPS: 500*packages + 5_000_000}
		s, err := b.SizeFromNeeds("", n)
		if err != nil {
			t.Fatalf("%+v: %v", n, err)
		}
		if s.QPSUnits != 10_000 {
			t.Errorf("%+v: %d QPS units, want the most, 10,000", n, s.QPSUnits)
		}
		mustQuote(t, ssm("ap-tokyo", s.Credentials, s.QPSUnits, BillingAnnual, 36))
		n.PeakQPS++
		if _, err := b.SizeFromNeeds("", n); err == nil {
			t.Errorf("%+v: sized, one QPS past what a subscription serves", n)
		}
	}
}

func TestSizeFromNeedsRefusesWithAMessage(t *testing.T) {
	b := mustBook(t)
	for _, tc := range []struct {
		n     Needs
		field string
		want  string
	}{
		{Needs{0, 10}, "secrets", "at least 1"},
		{Needs{1_000_001, 10}, "secrets", "at most 1,000,000"},
		{Needs{10, -1}, "peak_qps", "negative"},
		{Needs{10, 5_000_501}, "peak_qps", "must be at most 5,000,500 for 10 secrets: 1 package and 10,000 QPS units"},
		{Needs{1_000_000, 5_500_001}, "peak_qps", "at most 5,500,000 for 1,000,000 secrets"},
		{Needs{10, math.MaxInt64}, "peak_qps", "at most 5,000,500"},
	} {
		_, err := b.SizeFromNeeds("", tc.n)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.For(tc.field), tc.want) {
			t.Errorf("%+v: %v, want %s %q", tc.n, err, tc.field, tc.want)
		}
	}
}

func TestMonthlyCalls(t *testing.T) {
	tests := []struct {
		n                 int64
		unit              string
		credentials, days int64
		want              int64
		problem           string
	}{
		{60_000, PerMonth, 0, 0, 60_000, ""},
		{60_000, PerMonth, 0, 10, 60_000, ""},
		{2_000, PerDay, 0, 0, 60_000, ""},
		{2_000, PerDay, 0, 31, 62_000, ""}, // a month of the days given
		{1, PerSecond, 0, 0, 2_592_000, ""},
		{1, PerSecond, 0, 10, 864_000, ""},
		{20, PerCredentialPerDay, 100, 0, 60_000, ""}, // the guide's worked example
		{0, PerSecond, 0, 0, 0, ""},
		{-1, PerDay, 0, 0, 0, "negative"},
		{1_000_000, PerSecond, 0, 0, 0, "more than"},
		{1, "week", 0, 0, 0, "not a unit"},
	}
	for _, tt := range tests {
		got, problem := MonthlyCalls(tt.n, tt.unit, tt.credentials, tt.days)
		if got != tt.want || !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
			t.Errorf("MonthlyCalls(%d, %s, %d, %d) = %d, %q; want %d, %q", tt.n, tt.unit, tt.credentials, tt.days, got, problem, tt.want, tt.problem)
		}
	}
}
