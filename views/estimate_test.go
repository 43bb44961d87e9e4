package views

import (
	"testing"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
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

// TestUpfrontNoteSaysTheTotalsAreNotTwoCharges: a subscription's monthly figure and its
// up-front amount are the same money; what is billed each month on top is said.
func TestUpfrontNoteSaysTheTotalsAreNotTwoCharges(t *testing.T) {
	book, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	ssm := pricing.Item{Product: pricing.ProductSSM, Region: "ap-beijing", Credentials: 1000, Billing: pricing.BillingMonthly, TermMonths: 3}
	kms := pricing.Item{Product: pricing.ProductKMS, Region: "ap-guangzhou", CustomerKeys: 10, APICalls: 125_000}
	for _, tc := range []struct {
		name  string
		items []pricing.Item
		want  string
	}{
		{"subscription", []pricing.Item{ssm},
			"The up-front amount is the subscription's monthly price for its whole term, paid at once: it is not charged again each month."},
		{"two subscriptions", []pricing.Item{ssm, ssm},
			"The up-front amount is the subscriptions' monthly prices for their whole terms, paid at once: it is not charged again each month."},
		{"subscription, KMS and old billing", []pricing.Item{ssm, kms, {Product: pricing.ProductLegacy, Region: "ap-beijing", Credentials: 100, APICalls: 60_000}},
			"The up-front amount is the subscription's monthly price for its whole term, paid at once; only 19.89 USD a month, for pay-as-you-go usage, is billed each month. Old billing, in the monthly figure for comparison, is never ordered or billed."},
		{"subscription and old billing", []pricing.Item{ssm, {Product: pricing.ProductLegacy, Region: "ap-beijing", Credentials: 100, APICalls: 60_000}},
			"The up-front amount is the subscription's monthly price for its whole term, paid at once: it is not charged again each month. Old billing, in the monthly figure for comparison, is never ordered or billed."},
		{"subscription and KMS", []pricing.Item{ssm, kms},
			"The up-front amount is the subscription's monthly price for its whole term, paid at once; only 19.89 USD a month, for pay-as-you-go usage, is billed each month."},
		{"KMS alone", []pricing.Item{kms}, ""},
	} {
		q, err := pricing.Compute(book, pricing.Request{Items: tc.items})
		if err != nil {
			t.Fatal(err)
		}
		if got := upfrontNote(&q); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
