package pricing

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// FormatMoney writes an amount as the console shows money: thousands separators and
// two places ("1,865.00").
func FormatMoney(d decimal.Decimal) string {
	var buf [40]byte // room for any int64 amount: one allocation, the string's
	return string(appendMoney(buf[:0], d))
}

// FormatDecimal writes a quantity or unit price exactly, with thousands separators
// ("105,000.5", "0.018").
func FormatDecimal(d decimal.Decimal) string {
	var buf [40]byte
	return string(appendDec(buf[:0], d))
}

// appendDec appends d exactly ("0.018", "529", "10.5") without allocating where its
// coefficient fits an int64, as every amount of a quote does.
func appendDec(b []byte, d decimal.Decimal) []byte { return appendExact(b, d, true) }

// appendExact appends d exactly, as d.String() writes it, with thousands separators
// when grouped; without decimal's big.Int arithmetic where the coefficient fits an
// int64.
func appendExact(b []byte, d decimal.Decimal, grouped bool) []byte {
	if d.NumDigits() <= 18 && d.Exponent() <= 6 {
		return appendScaled(b, d, -1, grouped)
	}
	if grouped {
		return appendGroupedString(b, d.String())
	}
	return append(b, d.String()...)
}

// appendMoney appends d with thousands separators and two places ("1,587.00").
func appendMoney(b []byte, d decimal.Decimal) []byte { return appendFixed2(b, d, true) }

// appendFixed2 appends d rounded half away from zero to two places, as
// d.StringFixed(2) writes it, with thousands separators when grouped; without
// decimal's big.Int arithmetic where the coefficient fits an int64.
func appendFixed2(b []byte, d decimal.Decimal, grouped bool) []byte {
	if d.Exponent() < -2 {
		d = d.Round(2)
	}
	if d.NumDigits() <= 18 && d.Exponent() <= 6 {
		return appendScaled(b, d, 2, grouped)
	}
	if grouped {
		return appendGroupedString(b, d.StringFixed(2))
	}
	return append(b, d.StringFixed(2)...)
}

// appendScaled writes coefficient x 10^exponent in decimal: with exactly `places`
// decimals when places >= 0 (d must have at most that many), else as many as it has
// (trailing zeros trimmed). The integer part gets thousands separators when grouped.
// d's coefficient must fit an int64 (NumDigits at most 18).
func appendScaled(b []byte, d decimal.Decimal, places int, grouped bool) []byte {
	coef, exp := d.CoefficientInt64(), int(d.Exponent())
	if coef == 0 && exp > 0 {
		exp = 0 // zero is "0", whatever its exponent says
	}
	if coef < 0 {
		b, coef = append(b, '-'), -coef
	}
	var tmp [32]byte
	digits := strconv.AppendInt(tmp[:0], coef, 10)
	for ; exp > 0; exp-- {
		digits = append(digits, '0')
	}
	frac := -exp
	var intPart, fracPart []byte
	leadingZeros := 0 // between the point and the digits, as in 0.018
	if len(digits) > frac {
		intPart, fracPart = digits[:len(digits)-frac], digits[len(digits)-frac:]
	} else {
		intPart, fracPart, leadingZeros = []byte{'0'}, digits, frac-len(digits)
	}
	if grouped {
		b = appendGrouped(b, intPart)
	} else {
		b = append(b, intPart...)
	}
	if places < 0 {
		for len(fracPart) > 0 && fracPart[len(fracPart)-1] == '0' {
			fracPart = fracPart[:len(fracPart)-1]
		}
		if len(fracPart) == 0 {
			leadingZeros = 0
		}
	}
	written := 0
	if len(fracPart) > 0 || places > 0 {
		b = append(b, '.')
		for range leadingZeros {
			b = append(b, '0')
		}
		b = append(b, fracPart...)
		written = leadingZeros + len(fracPart)
	}
	for ; written < places; written++ {
		b = append(b, '0')
	}
	return b
}

// appendGroupedString appends a decimal's plain string ("-1234567.5") with thousands
// separators in its integer part: for values too large for appendScaled.
func appendGroupedString(b []byte, s string) []byte {
	if s != "" && s[0] == '-' {
		b, s = append(b, '-'), s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	b = appendGrouped(b, []byte(intPart))
	if hasFrac {
		b = append(append(b, '.'), frac...)
	}
	return b
}

func appendGrouped(b, digits []byte) []byte {
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}
