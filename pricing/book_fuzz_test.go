package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseBook feeds arbitrary bytes to the price book parser, as a -price-book
// file would: it answers a book or a validation error naming what is wrong, never
// panics. A book that loads encodes to JSON, and that JSON loads again to the same
// book; and it quotes every product in every region without a panic or a negative
// amount (a validated book is one the engine can use).
func FuzzParseBook(f *testing.F) {
	f.Add(embeddedBook)
	for _, edit := range [][2]string{
		{`"currency": "USD"`, `"currency": "EUR"`},
		{`"effective": "2025-03-26"`, `"effective": "2025-02-30"`},
		{`"per": 10000`, `"per": 1`},
		{`"per": 10000`, `"per": 9999`},
		{`"customer_key_per_day": "0.06"`, `"customer_key_per_day": "100000"`},
		{`"customer_key_per_day": "0.06"`, `"customer_key_per_day": 0.06`},
		{`"customer_key_per_day": "0.06"`, `"customer_key_per_day": "1e-30"`},
		{`"customer_key_per_day": "0.06"`, `"customer_key_per_day": "-0"`},
		{`"free_per_month": 20000`, `"free_per_month": 9223372036854775807`},
		{`"minimum_billed": 10000`, `"minimum_billed": 9223372036854775807`},
		{`"customer_key_quota_per_region": 200`, `"customer_key_quota_per_region": 1`},
		{`"credentials_per_package": 1000`, `"credentials_per_package": 1`},
		{`"annual_term_months": [12, 24, 36]`, `"annual_term_months": [120]`},
		{`"version": "`, `"versio": "`},
	} {
		if !bytes.Contains(embeddedBook, []byte(edit[0])) {
			continue // the seed no longer applies to the book: harmless, just less useful
		}
		f.Add(bytes.Replace(embeddedBook, []byte(edit[0]), []byte(edit[1]), 1))
	}
	f.Add(append(bytes.Clone(embeddedBook), []byte(` {}`)...))
	f.Add(append(bytes.Clone(embeddedBook), '}'))
	f.Add(embeddedBook[:len(embeddedBook)/2])
	for _, s := range []string{``, `null`, `{}`, `[]`, `"USD"`, `{"regions": null}`, `{"traces": {"rounding": {}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBook(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error of an unexpected kind: %T %v", err, err)
			}
			for _, p := range ve.Problems {
				if p.Message == "" {
					t.Fatalf("a problem without a message: %+v", p)
				}
			}
			return
		}
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("a loaded book does not encode: %v", err)
		}
		again, err := ParseBook(enc)
		if err != nil {
			t.Fatalf("a loaded book, encoded, does not load again: %v\n%s", err, enc)
		}
		enc2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("the book changed on a round trip:\n%s\n%s", enc, enc2)
		}
		for key, text := range b.sourceText {
			if text != again.sourceText[key] {
				t.Fatalf("source of %s changed on a round trip: %q, then %q", key, text, again.sourceText[key])
			}
		}
		quoteEverything(t, b)
	})
}

// quoteEverything prices each product in each region of b with ordinary quantities.
func quoteEverything(t *testing.T, b *Book) {
	t.Helper()
	var items []Item
	for _, r := range b.Regions {
		items = append(items,
			Item{Product: ProductKMS, Region: r.ID, CustomerKeys: 10, ManagedKeys: 2, PendingDeletionKeys: 1, APICalls: 125000, Days: 30},
			Item{Product: ProductLegacy, Region: r.ID, Credentials: 100, APICalls: 60000},
		)
		for _, e := range b.SSM.Editions {
			items = append(items,
				Item{Product: ProductSSM, Region: r.ID, Edition: e.ID, Credentials: 2500, QPSUnits: 2,
					Billing: BillingAnnual, TermMonths: b.SSM.AnnualTermMonths[0]},
				Item{Product: ProductSSM, Region: r.ID, Edition: e.ID, Credentials: 1, Billing: BillingMonthly,
					TermMonths: b.SSM.MonthlyTermMonths.Min})
		}
	}
	for len(items) > 0 {
		n := min(len(items), MaxItems)
		q, err := Compute(b, Request{Items: items[:n]})
		items = items[n:]
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("compute with a loaded book: %T %v", err, err)
			}
			continue
		}
		if q.Totals.Monthly.IsNegative() || q.Totals.Upfront.IsNegative() {
			t.Fatalf("negative totals with a loaded book: %+v", q.Totals)
		}
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("quote does not encode: %v", err)
		}
		if q.PriceBook.Version != b.Version {
			t.Fatalf("quote names book %q, want %q", q.PriceBook.Version, b.Version)
		}
	}
}
