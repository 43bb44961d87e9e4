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

// TestMoneyAndQuantitiesAreFormattedExactly: what the pages show is decimal's own
// string with thousands separators, for small and huge values of either sign and zero
// at any exponent.
func TestMoneyAndQuantitiesAreFormattedExactly(t *testing.T) {
	samples := []decimal.Decimal{decimal.Zero, decimal.New(0, 3), decimal.New(0, -4),
		decimal.RequireFromString("1587"), decimal.RequireFromString("0.018"),
		decimal.RequireFromString("105000.5"), decimal.RequireFromString("-1234.005"),
		decimal.RequireFromString("123456789012345678901234.5")}
	r := rand.New(rand.NewPCG(19, 23))
	for range 20000 {
		coef := r.Int64N(1 << uint(r.IntN(63)))
		if r.IntN(2) == 0 {
			coef = -coef
		}
		samples = append(samples, decimal.New(coef, int32(r.IntN(30)-22)))
	}
	for _, d := range samples {
		if got, want := FormatMoney(d), grouped(d.StringFixed(2)); got != want {
			t.Errorf("FormatMoney(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := FormatDecimal(d), grouped(d.String()); got != want {
			t.Errorf("FormatDecimal(%s) = %s, want %s", d.String(), got, want)
		}
	}
}
