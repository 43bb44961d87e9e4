package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func embeddedBookText(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../pricing/pricebook.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPricebookCheckPrintsASummaryOrTheField(t *testing.T) {
	var out bytes.Buffer
	good := writeFile(t, "good.json", embeddedBookText(t))
	if err := runPricebook([]string{"check", good}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"price book 2025-03-26.1, effective 2025-03-26, USD", "ap-tokyo", "Tokyo", "Region group II",
		"kms.customer_key_per_day", "0.06", "ssm.enterprise.monthly.II", "529"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out.String())
		}
	}
	bad := writeFile(t, "bad.json", strings.Replace(embeddedBookText(t), `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "-1"`, 1))
	err := runPricebook([]string{"check", bad}, &out)
	var be bookError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "kms.customer_key_per_day") {
		t.Errorf("a bad book: %v, want a book error (exit 2) naming the field", err)
	}
	if err := runPricebook([]string{"check"}, &out); err == nil || errors.As(err, &be) {
		t.Errorf("a missing file argument is a usage error: %v", err)
	}
}

func TestPricebookDiffShowsChangesAndSampleQuotes(t *testing.T) {
	old := writeFile(t, "old.json", embeddedBookText(t))
	changed := strings.Replace(embeddedBookText(t), `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "0.07"`, 1)
	changed = strings.Replace(changed, `"version": "2025-03-26.1"`, `"version": "2026-01-01.1"`, 1)
	next := writeFile(t, "new.json", changed)
	var out bytes.Buffer
	if err := runPricebook([]string{"diff", old, next}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2025-03-26.1 → 2026-01-01.1", "kms.customer_key_per_day: 0.06 → 0.07 (+16.7%)",
		"KMS, 10 keys, 125,000 calls: 19.89 / 0.00 → 22.89 / 0.00", "Old billing, the guide's example: 40.30 / 0.00 → 40.30 / 0.00"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the diff lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "ssm.enterprise.monthly") {
		t.Error("only changed prices are listed")
	}
}

func TestVersionNamesThePriceBook(t *testing.T) {
	var out bytes.Buffer
	if err := runVersion(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "price book 2025-03-26.1 (effective 2025-03-26)") || !strings.Contains(out.String(), "commit ") {
		t.Errorf("version: %q", out.String())
	}
}
