package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
)

// runVersion prints the version, the commit and the embedded price book's version.
func runVersion(stdout io.Writer) error {
	version, commit := buildVersion()
	book, err := pricing.EmbeddedBook()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "console %s\ncommit %s\nprice book %s (effective %s)\n", version, commit, book.Version, book.Effective)
	return nil
}

// bookError is a price book that does not validate: exit status 2, with the fields.
type bookError struct{ error }

func (e bookError) Unwrap() error { return e.error }

// runPricebook is `console pricebook check FILE` and `console pricebook diff OLD NEW`.
func runPricebook(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 2 && args[0] == "check":
		b, err := pricing.LoadBook(args[1])
		if err != nil {
			return bookError{err}
		}
		printBook(stdout, b)
		return nil
	case len(args) == 3 && args[0] == "diff":
		old, err := pricing.LoadBook(args[1])
		if err != nil {
			return bookError{err}
		}
		next, err := pricing.LoadBook(args[2])
		if err != nil {
			return bookError{err}
		}
		return printDiff(stdout, old, next)
	}
	return errors.New("usage: console pricebook check FILE | console pricebook diff OLD NEW")
}

func printBook(w io.Writer, b *pricing.Book) {
	fmt.Fprintf(w, "price book %s, effective %s, %s\n", b.Version, b.Effective, b.Currency)
	fmt.Fprintln(w, "regions:")
	for _, r := range b.Regions {
		fmt.Fprintf(w, "  %-14s %-20s SSM %s\n", r.ID, r.Name, b.GroupName(r.SSMGroup))
	}
	fmt.Fprintln(w, "unit prices:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range unitPrices(b) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.name, p.price.String(), p.unit)
	}
	tw.Flush()
}

type unitPrice struct {
	name  string
	price decimal.Decimal
	unit  string
}

// unitPrices lists every price of a book by a stable name.
func unitPrices(b *pricing.Book) []unitPrice {
	var out []unitPrice
	for _, e := range b.SSM.Editions {
		for _, g := range sortedKeys(e.Monthly) {
			out = append(out, unitPrice{"ssm." + e.ID + ".monthly." + g, e.Monthly[g], "USD a package a month"})
		}
	}
	for _, g := range sortedKeys(b.SSM.QPSUnit.Monthly) {
		out = append(out, unitPrice{"ssm.qps_unit.monthly." + g, b.SSM.QPSUnit.Monthly[g], "USD a unit a month"})
	}
	k, l := b.KMS, b.Legacy
	out = append(out,
		unitPrice{"kms.customer_key_per_day", k.CustomerKeyPerDay, "USD a key a day"},
		unitPrice{"kms.managed_key_per_day", k.ManagedKeyPerDay, "USD a key a day"},
		unitPrice{"kms.pending_deletion_key_per_day", k.PendingDeletionKeyPerDay, "USD a key a day"},
		unitPrice{"kms.api_calls.price", k.APICalls.Price, fmt.Sprintf("USD per %d calls after %d free", k.APICalls.Per, k.APICalls.FreePerMonth)},
		unitPrice{"ssm_legacy.credential_per_month", l.CredentialPerMonth, "USD a credential a month"},
		unitPrice{"ssm_legacy.api_calls.price", l.APICalls.Price, fmt.Sprintf("USD per %d calls", l.APICalls.Per)},
	)
	return out
}

func sortedKeys(m map[string]decimal.Decimal) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sampleQuotes are the quotes a price change is shown on.
var sampleQuotes = []struct {
	name string
	req  string
}{
	{"SSM, Tokyo, 2,500 credentials, 2 QPS units, 1 year", `{"items":[{"product":"ssm","region":"ap-tokyo","credentials":2500,"qps_units":2,"billing":"annual","term_months":12}]}`},
	{"SSM, Guangzhou, 1,000 credentials, monthly", `{"items":[{"product":"ssm","region":"ap-guangzhou","credentials":1000,"billing":"monthly","term_months":1}]}`},
	{"KMS, 10 keys, 125,000 calls", `{"items":[{"product":"kms","region":"ap-beijing","customer_keys":10,"api_calls":125000}]}`},
	{"Old billing, the guide's example", `{"items":[{"product":"ssm_legacy","region":"ap-beijing","credentials":100,"api_calls":60000}]}`},
}

func printDiff(w io.Writer, old, next *pricing.Book) error {
	fmt.Fprintf(w, "price book %s → %s\n", old.Version, next.Version)
	before := map[string]decimal.Decimal{}
	for _, p := range unitPrices(old) {
		before[p.name] = p.price
	}
	changed := 0
	for _, p := range unitPrices(next) {
		was, ok := before[p.name]
		switch {
		case !ok:
			fmt.Fprintf(w, "  %s: new, %s\n", p.name, p.price)
			changed++
		case !was.Equal(p.price):
			pct := "n/a"
			if !was.IsZero() {
				pct = p.price.Sub(was).Div(was).Mul(decimal.NewFromInt(100)).StringFixed(1) + "%"
				if !strings.HasPrefix(pct, "-") {
					pct = "+" + pct
				}
			}
			fmt.Fprintf(w, "  %s: %s → %s (%s)\n", p.name, was, p.price, pct)
			changed++
		}
	}
	if changed == 0 {
		fmt.Fprintln(w, "  no unit price changed")
	}
	fmt.Fprintln(w, "sample quotes (monthly / up front):")
	for _, s := range sampleQuotes {
		req, err := pricing.DecodeRequest(strings.NewReader(s.req))
		if err != nil {
			return err
		}
		a, errA := pricing.Compute(old, req)
		b, errB := pricing.Compute(next, req)
		if errA != nil || errB != nil {
			fmt.Fprintf(w, "  %s: cannot be priced by both books\n", s.name)
			continue
		}
		fmt.Fprintf(w, "  %s: %s / %s → %s / %s\n", s.name, a.Totals.Monthly.StringFixed(2), a.Totals.Upfront.StringFixed(2),
			b.Totals.Monthly.StringFixed(2), b.Totals.Upfront.StringFixed(2))
	}
	return nil
}

// buildVersion is the module version and the VCS commit the binary was built from,
// as the Go toolchain recorded them ("(devel)" and "unknown" when it recorded none).
func buildVersion() (version, commit string) {
	version, commit = "(devel)", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	return version, commit
}
