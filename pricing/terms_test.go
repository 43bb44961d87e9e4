package pricing

import (
	"os"
	"strings"
	"testing"
)

// termsQuote prices items with a copy of the price book as it was when the terms'
// wording was recorded: a new price book changes the amounts in the terms, not
// their wording, and must not fail these tests.
func termsQuote(t *testing.T, items ...Item) Quote {
	t.Helper()
	data, err := os.ReadFile("testdata/terms-book.json")
	if err != nil {
		t.Fatal(err)
	}
	book, err := ParseBook(data)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compute(book, Request{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestTermsStateWhatIsBoughtAndTheOverduePolicies(t *testing.T) {
	q := termsQuote(t, ssm("ap-tokyo", 2500, 2, BillingAnnual, 12), kms("ap-guangzhou", 201, 0, 0, 0))
	terms := TermsFor(q)
	var all strings.Builder
	for _, s := range terms.Sections {
		all.WriteString(s.Title + "\n" + strings.Join(s.Paragraphs, "\n") + "\n")
	}
	text := all.String()
	for _, want := range []string{
		"annual billing for a term of 12 months", "22,380.00 USD due up front",
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

// TestTermsWordingIsExact: the terms are what a buyer accepts, so every word of them
// is checked, for a quote with every section: a change of wording fails here until
// the expected text below is changed, and then until TermsVersion is changed too.
func TestTermsWordingIsExact(t *testing.T) {
	q := termsQuote(t, ssm("ap-tokyo", 2500, 2, BillingAnnual, 12), kms("ap-guangzhou", 201, 0, 0, 125_000))
	want := []TermsSection{
		{"What you are ordering", []string{
			"Secrets Manager Enterprise Edition in Tokyo: 3 packages (3,000 credentials, 2,500 QPS in all), annual billing for a term of 12 months, 1,865.00 USD a month, 22,380.00 USD due up front for the whole term once the order is confirmed; the subscription starts once it is paid.",
			"Key Management Service in Guangzhou: the service is activated once the order is confirmed; nothing is paid up front, usage is billed monthly (this quote estimates 361.80 USD a month of key storage in this region).",
			"Key Management Service API calls, for the whole account: this quote estimates 125,000 calls a month, 1.89 USD a month after the free calls; the calls made are billed monthly.",
		}},
		{"Billing", []string{
			"A Secrets Manager subscription costs its monthly price for every month of its term: monthly billing is for 1 to 11 months, annual billing for 1, 2 or 3 years of 12 months each, with no discount. The whole term is paid up front.",
			"Key Management Service is pay-as-you-go and billed monthly: customer managed keys by the day, API calls per month for the whole account after its free calls, with a minimum as the price book states. The fees of a month are calculated and deducted on the 3rd to 5th day of the following month.",
			"Prices are those of price book 2025-03-26.1, effective 2025-03-26, in USD. This order records the quote as shown; your Tencent Cloud bill is final.",
		}},
		{"Key Management Service charges from Secrets Manager", []string{
			"Secrets Manager encrypts your secrets with keys managed by Key Management Service, which may add KMS charges to your bill, billed as Key Management Service.",
		}},
		{"Overdue payment", []string{
			"When your account is overdue, notices of the suspension are sent by email and SMS to the account's creators and all its collaborators, on the day it becomes overdue and the days after.",
			"Key Management Service is suspended 24 hours after your account becomes overdue: access is denied, your key data is kept, and key storage and API calls incur no fees while suspended. KMS resources are released 168 hours (7 days) after your account becomes overdue.",
			"Secrets Manager is suspended 24 hours after your account becomes overdue: access is denied, your secret data is kept, and secret storage and API calls incur no fees while suspended. Secrets are released 168 hours (7 days) after the suspension, that is 192 hours after your account becomes overdue.",
		}},
		{"Warnings", []string{
			"201 customer managed CMKs in Guangzhou exceed the quota of 200 per region: a quota increase is needed (submit a ticket or contact sales).",
			"This order records that a KMS quota increase is required before the keys above the quota can be created.",
		}},
	}
	got := TermsFor(q)
	if len(got.Sections) != len(want) {
		t.Fatalf("%d sections, want %d: %q", len(got.Sections), len(want), got.Sections)
	}
	for i, w := range want {
		g := got.Sections[i]
		if g.Title != w.Title || strings.Join(g.Paragraphs, "\n") != strings.Join(w.Paragraphs, "\n") {
			t.Errorf("section %d:\n got %q %q\nwant %q %q", i+1, g.Title, g.Paragraphs, w.Title, w.Paragraphs)
		}
	}
	// Each wording has its own version: the hashes of the terms of three quotes, which
	// between them take every branch of the wording, under the version in force. A
	// new wording gets a new TermsVersion and a line here; the old lines stay.
	recorded := map[string][3]string{
		"2026-11-26.3": {
			"b2a675bf05e96859bc40bdac255f2a8a903068323073b91a03e23e917341f6bd",
			"0da592a8547d70b299ac0f13c85cb85a6c2873d028b3d54a67d1ea45106ff017",
			"dfb7bcda642a0468c536e5571a57c5074405ab435efda52c4799bf61f4644c7d",
		},
		"2026-11-26.2": {
			"63cdd0c473266b6e7ef73b288625c82424a5ca245f5764f461fb4adf3240e11b",
			"ea59ef94456cc2e1996046cdf04a17becdf514341072f9890a1bd1ea33236911",
			"3f467637042cbfc7cc6a98ff10b42c844f17ba61db826e19f59f3bddece2e481",
		},
		"2026-11-26.1": {
			"b21abe60e09150a4377adf50bb7e1f43bd3671924985f03f0d2655f7f5240972",
			"854c246632dd3db04b1678f9e6179367203fabc1f7e7c35aacb0c4f2c174b36c",
			"bf366aa794c61ba5f95c29e9b323c7d9d06e081b5327ab35a72bc609d4d22be9",
		},
	}
	hashes := [3]string{
		got.Hash,
		TermsFor(termsQuote(t, ssm("ap-beijing", 1, 0, BillingMonthly, 3))).Hash,
		TermsFor(termsQuote(t, kms("ap-tokyo", 10, 2, 1, 50_000))).Hash,
	}
	if r, ok := recorded[TermsVersion]; !ok || r != hashes {
		t.Errorf("the terms under version %s hash to %q, recorded %q: a new wording needs a new TermsVersion", TermsVersion, hashes, r)
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
}

// TestSSMTermsStateNoKMSCalls: an order of Secrets Manager alone orders no KMS calls
// (its KMS charges are said in their own section), but is bound by both policies.
func TestSSMTermsStateNoKMSCalls(t *testing.T) {
	terms := TermsFor(termsQuote(t, ssm("ap-beijing", 1, 0, BillingMonthly, 3)))
	if ordered := terms.Sections[0].Paragraphs; len(ordered) != 1 || strings.Contains(ordered[0], "API calls") {
		t.Errorf("an SSM order's terms order %q", ordered)
	}
	var all []string
	for _, s := range terms.Sections {
		all = append(all, s.Paragraphs...)
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"may add KMS charges", "KMS resources are released 168 hours", "Secrets are released 168 hours"} {
		if !strings.Contains(text, want) {
			t.Errorf("an SSM order's terms lack %q", want)
		}
	}
}

// TestKMSTermsStateKMSOnly: an order of KMS alone is bound by KMS's policy and told
// what its calls cost; Secrets Manager's overdue policy is not part of it.
func TestKMSTermsStateKMSOnly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		q     Quote
		calls string
	}{
		{"no calls", termsQuote(t, kms("ap-tokyo", 3, 0, 0, 0)),
			"Key Management Service API calls, for the whole account: this quote estimates no calls; the calls made are billed monthly after the free calls."},
		{"calls within the free calls", termsQuote(t, kms("ap-tokyo", 3, 0, 0, 10_000)),
			"Key Management Service API calls, for the whole account: this quote estimates 10,000 calls a month, within the free calls; the calls made are billed monthly after the free calls."},
		{"calls in two regions", termsQuote(t, kms("ap-tokyo", 3, 0, 0, 80_000), kms("ap-guangzhou", 1, 0, 0, 45_000)),
			"Key Management Service API calls, for the whole account: this quote estimates 125,000 calls a month, 1.89 USD a month after the free calls; the calls made are billed monthly."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			terms := TermsFor(tc.q)
			var all []string
			for _, s := range terms.Sections {
				all = append(all, s.Paragraphs...)
			}
			text := strings.Join(all, "\n")
			if strings.Contains(text, "Secrets") {
				t.Errorf("the terms of a KMS order speak of Secrets Manager:\n%s", text)
			}
			if !strings.Contains(text, "KMS resources are released 168 hours") {
				t.Errorf("the terms lack KMS's overdue policy:\n%s", text)
			}
			if ordered := terms.Sections[0].Paragraphs; ordered[len(ordered)-1] != tc.calls {
				t.Errorf("the account's calls are stated as\n%q\nwant\n%q", ordered[len(ordered)-1], tc.calls)
			}
		})
	}
}

// TestKMSCallsIsTheAccountsKMSLine: the terms and the quote panel find the account's
// KMS calls where Book.accountLines puts them, beside old billing's calls too.
func TestKMSCallsIsTheAccountsKMSLine(t *testing.T) {
	old := legacy("ap-beijing", 100, 60_000)
	q := termsQuote(t, old, kms("ap-tokyo", 3, 0, 0, 125_000), old)
	if line, ok := q.KMSCalls(); !ok || !strings.HasPrefix(line.Description, "KMS API calls: 125,000 calls") || line.Amount.StringFixed(2) != "1.89" {
		t.Errorf("KMSCalls = %+v, %v", line, ok)
	}
	without := termsQuote(t, old)
	if line, ok := without.KMSCalls(); ok {
		t.Errorf("a quote without KMS has no KMS calls, not %+v", line)
	}
}
