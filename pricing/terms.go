package pricing

import (
	"crypto/sha256"
	"encoding/hex"
)

// TermsVersion names the wording of the pricing terms below. Change it with any change
// of wording: an order records the version and a hash of the exact text accepted.
const TermsVersion = "2026-11-26.3"

// Terms are the pricing terms a buyer accepts for a quote: what is bought and when it
// is paid, the overdue policy of each service in it, and its warnings.
type Terms struct {
	Version  string         `json:"version"`
	Sections []TermsSection `json:"sections"`
	// Hash is the SHA-256 of the version and every word of the sections, so that an
	// order proves which text was accepted.
	Hash string `json:"hash"`
}

// TermsSection is a titled part of the terms.
type TermsSection struct {
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
}

// TermsFor writes the pricing terms of a quote, in full: what is bought and how it is
// billed, and the overdue policy of the services in it (an SSM order can add KMS
// charges, so KMS billing and its policy apply to every order; Secrets Manager's only
// to orders of it).
func TermsFor(q Quote) Terms {
	var ordered, billing []string
	var hasSSM bool
	var kmsCalls int64
	for _, it := range q.Items {
		switch it.Product {
		case ProductSSM:
			hasSSM = true
			s := it.SSM
			ordered = append(ordered, it.Name+" in "+it.RegionName+": "+
				plural(s.Packages, "package", "packages")+" ("+count(s.IncludedCredentials)+" credentials, "+
				count(s.TotalQPS)+" QPS in all), "+s.Billing+" billing for a term of "+plural(s.TermMonths, "month", "months")+
				", "+FormatMoney(it.Monthly)+" "+q.Currency+" a month, "+FormatMoney(it.Upfront)+" "+q.Currency+
				" due up front for the whole term once the order is confirmed; the subscription starts once it is paid.")
		case ProductKMS:
			kmsCalls += it.Input.APICalls
			ordered = append(ordered, "Key Management Service in "+it.RegionName+": the service is activated once the "+
				"order is confirmed; nothing is paid up front, usage is billed monthly (this quote estimates "+
				FormatMoney(it.Monthly)+" "+q.Currency+" a month of key storage in this region).")
		}
	}
	if line, ok := q.KMSCalls(); ok { // the account's calls, not one region's
		calls := "no calls; the calls made are billed monthly after the free calls."
		switch {
		case kmsCalls > 0 && line.Amount.IsZero():
			calls = plural(kmsCalls, "call", "calls") + " a month, within the free calls; the calls made are billed monthly " +
				"after the free calls."
		case kmsCalls > 0:
			calls = plural(kmsCalls, "call", "calls") + " a month, " + FormatMoney(line.Amount) + " " +
				q.Currency + " a month after the free calls; the calls made are billed monthly."
		}
		ordered = append(ordered, "Key Management Service API calls, for the whole account: this quote estimates "+calls)
	}
	if hasSSM {
		billing = append(billing, "A Secrets Manager subscription costs its monthly price for every month of its term: "+
			"monthly billing is for 1 to 11 months, annual billing for 1, 2 or 3 years of 12 months each, with no "+
			"discount. The whole term is paid up front.")
	}
	// Secrets Manager can add KMS charges, so the KMS billing applies to every order.
	billing = append(billing, "Key Management Service is pay-as-you-go and billed monthly: customer managed keys by "+
		"the day, API calls per month for the whole account after its free calls, with a minimum as the price book "+
		"states. The fees of a month are calculated and deducted on the 3rd to 5th day of the following month.")
	billing = append(billing, "Prices are those of price book "+q.PriceBook.Version+", effective "+q.PriceBook.Effective+
		", in "+q.Currency+". This order records the quote as shown; your Tencent Cloud bill is final.")

	t := Terms{Version: TermsVersion}
	t.Sections = append(t.Sections,
		TermsSection{"What you are ordering", ordered},
		TermsSection{"Billing", billing})
	if hasSSM {
		t.Sections = append(t.Sections, TermsSection{"Key Management Service charges from Secrets Manager", []string{
			"Secrets Manager encrypts your secrets with keys managed by Key Management Service, which may add KMS " +
				"charges to your bill, billed as Key Management Service."}})
	}
	overdue := []string{
		"When your account is overdue, notices of the suspension are sent by email and SMS to " +
			"the account's creators and all its collaborators, on the day it becomes overdue and the days after.",
		"Key Management Service is suspended 24 hours after your account becomes overdue: " +
			"access is denied, your key data is kept, and key storage and API calls incur no fees while suspended. " +
			"KMS resources are released 168 hours (7 days) after your account becomes overdue.",
	}
	if hasSSM {
		overdue = append(overdue, "Secrets Manager is suspended 24 hours after your account becomes overdue: access "+
			"is denied, your secret data is kept, and secret storage and API calls incur no fees while suspended. "+
			"Secrets are released 168 hours (7 days) after the suspension, that is 192 hours after your account "+
			"becomes overdue.")
	}
	t.Sections = append(t.Sections, TermsSection{"Overdue payment", overdue})
	if len(q.Warnings) > 0 {
		var w []string
		for _, n := range q.Warnings {
			if n.Code == "ssm_kms_charges" || n.Code == "legacy_not_orderable" {
				continue // said above, or not part of an order
			}
			w = append(w, n.Text)
		}
		if q.QuotaIncreaseRequired {
			w = append(w, "This order records that a KMS quota increase is required before the keys above the quota can be created.")
		}
		if len(w) > 0 {
			t.Sections = append(t.Sections, TermsSection{"Warnings", w})
		}
	}
	t.Hash = t.hash()
	return t
}

func (t Terms) hash() string {
	h := sha256.New()
	h.Write([]byte(t.Version))
	for _, s := range t.Sections {
		h.Write([]byte{0})
		h.Write([]byte(s.Title))
		for _, p := range s.Paragraphs {
			h.Write([]byte{0})
			h.Write([]byte(p))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
