package storetest

import (
	"time"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
	"kmsconsole/store"
)

// SampleOrder is a realistic order with every field set: an SSM subscription and KMS
// keys in two regions, amounts in exact cents, quantities and unit prices with more
// places than cents.
func SampleOrder(owner, idempotencyKey string) store.Order {
	quote := SampleQuote()
	return store.Order{
		Owner: owner,
		Buyer: store.Buyer{AccountID: "100012345678", ContactName: "Zhang Wei", ContactEmail: "zhang.wei@example.com"},
		Quote: quote, PriceBookVersion: quote.PriceBook.Version,
		TermsVersion: "2025-05", TermsHash: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		TermsAcceptedAt:       time.Date(2025, 6, 3, 9, 41, 7, 123456789, time.FixedZone("CST", 8*3600)),
		QuotaIncreaseRequired: true,
		MonthlyTotal:          quote.Totals.Monthly, UpfrontTotal: quote.Totals.Upfront,
		Products:       []string{"ssm", "kms"},
		Regions:        []string{"ap-guangzhou", "eu-frankfurt"},
		IdempotencyKey: idempotencyKey,
	}
}

// SampleQuoteVersion is a realistic save of a quote by the user savedBy: the
// request behind [SampleQuote] and the quote itself.
func SampleQuoteVersion(savedBy string) store.QuoteVersion {
	quote := SampleQuote()
	var req pricing.Request
	for _, it := range quote.Items {
		req.Items = append(req.Items, it.Input)
	}
	return store.QuoteVersion{
		Request: req, PriceBookVersion: quote.PriceBook.Version, Quote: quote, SavedBy: savedBy,
		Name: "KMS and Secrets Manager rollout", CustomerName: "Acme Corp", CustomerAccountID: "100012345678",
		Notes: "Annual term agreed on the call; 10% partner discount is outside the quote.",
	}
}

// SampleQuote is the quote of [SampleOrder].
func SampleQuote() pricing.Quote {
	d := decimal.RequireFromString
	return pricing.Quote{
		Currency:  "USD",
		PriceBook: pricing.BookRef{Version: "2025-06-01", Effective: "2025-06-01"},
		Items: []pricing.QuotedItem{
			{
				Product: "ssm", Name: "Secrets Manager", Region: "ap-guangzhou", RegionName: "Guangzhou",
				Orderable: true,
				Lines: []pricing.Line{{
					Description: "Secrets Manager Standard, 12 months", Quantity: d("12"),
					Unit: "month", UnitPrice: d("1865.00"), Amount: d("22380.00"),
				}},
				Monthly: d("1865.00"), Upfront: d("22380.00"),
				SSM: &pricing.SSMSizing{
					Group: "standard", GroupName: "Standard", Edition: "standard", Packages: 2,
					IncludedCredentials: 200, TotalQPS: 2000, Billing: "subscription", TermMonths: 12,
				},
				Input: pricing.Item{Product: "ssm", Region: "ap-guangzhou", Edition: "standard",
					Credentials: 200, Billing: "subscription", TermMonths: 12},
			},
			{
				Product: "kms", Name: "Key Management Service", Region: "eu-frankfurt", RegionName: "Frankfurt",
				Orderable: true,
				Lines: []pricing.Line{
					{Description: "Customer managed keys", Quantity: d("3"), Unit: "key-month",
						UnitPrice: d("1.00"), Amount: d("3.00")},
					{Description: "Pending deletion, prorated", Quantity: d("0.333333"), Unit: "key-month",
						UnitPrice: d("0.9"), Amount: d("0.30"), Note: "prorated by the day"},
				},
				Monthly: d("3.30"), Upfront: d("0.00"),
				Input: pricing.Item{Product: "kms", Region: "eu-frankfurt", CustomerKeys: 3, PendingDeletionKeys: 1, Days: 10},
			},
		},
		AccountLines: []pricing.Line{{Description: "KMS API calls beyond the free tier",
			Quantity: d("1.2345678"), Unit: "10k calls", UnitPrice: d("0.03"), Amount: d("0.04")}},
		Totals:                pricing.Totals{Monthly: d("1868.34"), Upfront: d("22380.00")},
		Assumptions:           []pricing.Notice{{Code: "free_tier_once", Text: "One free tier per account."}},
		Warnings:              []pricing.Notice{{Code: "quota", Text: "Quota increase needed in Frankfurt."}},
		Settlement:            []pricing.Notice{{Code: "upfront", Text: "Subscriptions are paid when ordered."}},
		QuotaIncreaseRequired: true,
		Orderable:             true,
	}
}
