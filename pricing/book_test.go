package pricing

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbeddedBookMatchesPricingRules(t *testing.T) {
	b := mustBook(t)
	if b.Version == "" || b.Effective == "" || b.Currency != "USD" {
		t.Errorf("book identity: %q %q %q", b.Version, b.Effective, b.Currency)
	}
	if len(b.Regions) != 7 {
		t.Errorf("want the 7 regions of PRICING.md, got %d", len(b.Regions))
	}
	for id, group := range map[string]string{"ap-beijing": "I", "ap-shanghai": "I", "ap-guangzhou": "I",
		"ap-hongkong": "II", "ap-singapore": "II", "ap-jakarta": "II", "ap-tokyo": "II"} {
		r, ok := b.Region(id)
		if !ok || r.SSMGroup != group {
			t.Errorf("region %s: %+v, want group %s", id, r, group)
		}
	}
}

// mutate loads the embedded book, applies a textual change and parses the result.
func mutate(t *testing.T, old, new string) error {
	t.Helper()
	if !strings.Contains(string(embeddedBook), old) {
		t.Fatalf("the embedded book has no %q", old)
	}
	_, err := ParseBook([]byte(strings.Replace(string(embeddedBook), old, new, 1)))
	return err
}

func TestBadPriceBookIsRefusedNamingTheField(t *testing.T) {
	tests := []struct {
		name, old, new, field string
	}{
		{"missing version", `"version": "2025-03-26.1"`, `"version": ""`, "version"},
		{"bad date", `"effective": "2025-03-26"`, `"effective": "26/03/2025"`, "effective"},
		{"other currency", `"currency": "USD"`, `"currency": "EUR"`, "currency"},
		{"region in no group", `"ssm_group": "II"}`, `"ssm_group": "III"}`, "regions[3].ssm_group"},
		{"duplicate region", `"id": "ap-shanghai"`, `"id": "ap-beijing"`, "regions[1].id"},
		{"group price missing", `"monthly": {"I": "366", "II": "529"}`, `"monthly": {"I": "366"}`, "ssm.editions[0].monthly.II"},
		{"negative price", `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "-0.06"`, "kms.customer_key_per_day"},
		{"zero price", `"credential_per_month": "0.4"`, `"credential_per_month": "0"`, "ssm_legacy.credential_per_month"},
		{"per not a power of ten", `"per": 10000, "minimum_billed": 1000`, `"per": 3, "minimum_billed": 1000`, "kms.api_calls.per"},
		{"annual term not whole years", `"annual_term_months": [12, 24, 36]`, `"annual_term_months": [12, 18]`, "ssm.annual_term_months[1]"},
		{"unknown source", "\"kms\": {\n    \"source\": \"kms-guide\"", "\"kms\": {\n    \"source\": \"blog\"", "kms.source"},
		{"untraced price", `"kms.customer_key_per_day": {`, `"kms.unused": {`, "traces.kms.customer_key_per_day"},
		{"trace without a quote or decision", `"quote": "Customer managed CMKs: 0.06 USD/key/day."`, `"quote": ""`, "traces.kms.customer_key_per_day"},
		{"price as text", `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "cheap"`, ""},
		{"unknown field", `"currency": "USD",`, `"currency": "USD", "discount": 5,`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mutate(t, tt.old, tt.new)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error, got %v", err)
			}
			if tt.field != "" && ve.For(tt.field) == "" {
				t.Errorf("no problem named %s: %v", tt.field, ve)
			}
		})
	}
}

// TestBadPriceBookValuesAreWorded: a value of the wrong kind is named, and so is a
// number the field cannot hold.
func TestBadPriceBookValuesAreWorded(t *testing.T) {
	for value, want := range map[string]string{
		"1.5":   "must be a whole number, not 1.5",
		"1e20":  "must be a whole number, not 1e20",
		`"x"`:   "must be a whole number, not a string",
		"[1]":   "must be a whole number, not a list",
		"false": "must be a whole number, not true or false",
	} {
		err := mutate(t, `"credentials_per_package": 1000`, `"credentials_per_package": `+value)
		if err == nil || !strings.HasSuffix(err.Error(), "credentials_per_package: "+want) {
			t.Errorf("credentials_per_package %s: %v, want %q", value, err, want)
		}
	}
}

func TestLoadBookFromAFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "book.json")
	changed := strings.Replace(string(embeddedBook), `"version": "2025-03-26.1"`, `"version": "2026-01-01.1"`, 1)
	changed = strings.Replace(changed, `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "0.07"`, 1)
	if err := os.WriteFile(good, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBook(good)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compute(b, Request{Items: []Item{kms("ap-tokyo", 10, 0, 0, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if q.PriceBook.Version != "2026-01-01.1" {
		t.Errorf("quote priced with book %s", q.PriceBook.Version)
	}
	assertMoney(t, "10 keys at 0.07 for 30 days", q.Totals.Monthly, "21")

	if _, err := LoadBook(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file must be an error")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version": ""}`), 0o600)
	if _, err := LoadBook(bad); err == nil || !strings.Contains(err.Error(), "bad.json") || !strings.Contains(err.Error(), "version") {
		t.Errorf("a bad file must be refused naming the file and the field: %v", err)
	}
}

func TestPriceBookWithTrailingDataIsRefused(t *testing.T) {
	for _, tail := range []string{" {}", "}", "]]", " garbage"} {
		_, err := ParseBook(append(append([]byte{}, embeddedBook...), tail...))
		if err == nil || !strings.Contains(err.Error(), "after the price book") {
			t.Errorf("book followed by %q: %v, want a refusal of the data after it", tail, err)
		}
	}
}
