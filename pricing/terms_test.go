package pricing

import (
	"strings"
	"testing"
)

func TestTermsStateWhatIsBoughtAndTheOverduePolicies(t *testing.T) {
	q := mustQuote(t, ssm("ap-tokyo", 2500, 2, BillingAnnual, 12), kms("ap-guangzhou", 201, 0, 0, 0))
	terms := TermsFor(q)
	var all strings.Builder
	for _, s := range terms.Sections {
		all.WriteString(s.Title + "\n" + strings.Join(s.Paragraphs, "\n") + "\n")
	}
	text := all.String()
	for _, want := range []string{
		"annual billing for a term of 12 months", "22,380.00 USD paid up front",
		"3rd to 5th day of the following month",
		"suspended 24 hours after your account becomes overdue",
		"KMS resources are released 168 hours (7 days) after your account becomes overdue",
		"192 hours after your account becomes overdue",
		"may add KMS charges",
		"quota increase is required",
		"price book 2025-03-26.1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the terms lack %q:\n%s", want, text)
		}
	}
	if terms.Version != TermsVersion || len(terms.Hash) != 64 {
		t.Errorf("version %q hash %q", terms.Version, terms.Hash)
	}
}

func TestTermsHashFollowsTheText(t *testing.T) {
	a := TermsFor(mustQuote(t, kms("ap-tokyo", 1, 0, 0, 0)))
	b := TermsFor(mustQuote(t, kms("ap-tokyo", 1, 0, 0, 0)))
	c := TermsFor(mustQuote(t, kms("ap-tokyo", 2, 0, 0, 0)))
	if a.Hash != b.Hash {
		t.Error("the same text must hash the same")
	}
	if a.Hash == c.Hash {
		t.Error("a different text must hash differently")
	}
	if !strings.Contains(strings.Join(a.Sections[len(a.Sections)-1].Paragraphs, " "), "Secrets are released 168 hours") {
		t.Error("the terms state both services' overdue policies")
	}
}
