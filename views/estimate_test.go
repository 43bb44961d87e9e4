package views

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestMoneyHasSeparatorsAndCents(t *testing.T) {
	for in, want := range map[string]string{
		"1865": "1,865.00", "22380": "22,380.00", "0.3": "0.30", "40.3": "40.30",
		"17999999.64": "17,999,999.64", "0": "0.00", "999": "999.00", "1000": "1,000.00",
	} {
		if got := Money(decimal.RequireFromString(in)); got != want {
			t.Errorf("Money(%s) = %s, want %s", in, got, want)
		}
	}
	if got := Number(decimal.RequireFromString("105000.5")); got != "105,000.5" {
		t.Errorf("Number = %s", got)
	}
}
