package pricing

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// grouped puts thousands separators into the integer part of a decimal string.
func grouped(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var sb strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(c)
	}
	if hasFrac {
		return sign + sb.String() + "." + frac
	}
	return sign + sb.String()
}

// decimalSamples are the values the number writers are held to decimal's own
// strings on: edge cases (zero at any exponent, halves to round, the int64 limit,
// values too large for an int64), then 20,000 random coefficients of every size and
// sign at exponents from -22 to 7.
func decimalSamples() []decimal.Decimal {
	samples := []decimal.Decimal{decimal.Zero, decimal.New(0, -5), decimal.New(0, 3),
		decimal.RequireFromString("0.005"), decimal.RequireFromString("-0.005"),
		decimal.RequireFromString("-0.004999"), decimal.RequireFromString("1.005"),
		decimal.RequireFromString("-1234.005"), decimal.RequireFromString("0.018"),
		decimal.RequireFromString("105000.5"), decimal.RequireFromString("999999999999999999"),
		decimal.RequireFromString("9999999999999999.995"),
		decimal.RequireFromString("123456789012345678901234567890.125"), decimal.New(-9, 7), decimal.New(5, -20)}
	r := rand.New(rand.NewPCG(13, 17))
	for range 20000 {
		coef := r.Int64N(1 << uint(r.IntN(63)))
		if r.IntN(2) == 0 {
			coef = -coef
		}
		samples = append(samples, decimal.New(coef, int32(r.IntN(30)-22)))
	}
	return samples
}

// TestMoneyAndQuantitiesAreFormattedExactly: what the pages show is decimal's own
// string with thousands separators, for small and huge values of either sign and zero
// at any exponent.
func TestMoneyAndQuantitiesAreFormattedExactly(t *testing.T) {
	for _, d := range decimalSamples() {
		if got, want := FormatMoney(d), grouped(d.StringFixed(2)); got != want {
			t.Errorf("FormatMoney(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := FormatDecimal(d), grouped(d.String()); got != want {
			t.Errorf("FormatDecimal(%s) = %s, want %s", d.String(), got, want)
		}
	}
}

// TestNotesAgreeWithTheirCounts: a note about one thing speaks of one.
func TestNotesAgreeWithTheirCounts(t *testing.T) {
	notes := func(q Quote) string {
		var all []string
		for _, it := range q.Items {
			for _, l := range it.Lines {
				all = append(all, l.Note)
			}
		}
		for _, l := range q.AccountLines {
			all = append(all, l.Note)
		}
		return strings.Join(all, " | ")
	}
	for _, tc := range []struct {
		q         Quote
		want, not string
	}{
		{mustQuote(t, ssm("ap-tokyo", 1, 0, BillingMonthly, 1)), "1 credential needs 1 package", "credentials need"},
		{mustQuote(t, ssm("ap-tokyo", 1001, 0, BillingMonthly, 1)), "1,001 credentials need 2 packages", "needs"},
		{mustQuote(t, kms("ap-tokyo", 0, 0, 0, 20_001)), "; 1 billable call billed as 1,000 calls", "calls billed"},
		{mustQuote(t, kms("ap-tokyo", 0, 0, 0, 20_999)), "; 999 billable calls billed as 1,000 calls", "call billed"},
	} {
		got := notes(tc.q)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("notes %q: want %q, and not %q", got, tc.want, tc.not)
		}
	}
}
