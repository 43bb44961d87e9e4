package pricing

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func mustBook(t testing.TB) *Book {
	t.Helper()
	b, err := EmbeddedBook()
	if err != nil {
		t.Fatalf("embedded price book: %v", err)
	}
	return b
}

func mustQuote(t testing.TB, items ...Item) Quote {
	t.Helper()
	q, err := Compute(mustBook(t), Request{Items: items})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return q
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func assertMoney(t testing.TB, what string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(d(want)) {
		t.Errorf("%s = %s, want %s", what, got.StringFixed(2), want)
	}
}

// lineWith finds the line whose description contains s.
func lineWith(t testing.TB, lines []Line, s string) Line {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l.Description, s) {
			return l
		}
	}
	t.Fatalf("no line contains %q in %+v", s, lines)
	return Line{}
}

func hasNotice(ns []Notice, code string) bool {
	for _, n := range ns {
		if n.Code == code {
			return true
		}
	}
	return false
}

func ssm(region string, credentials, qps int64, billing string, term int64) Item {
	return Item{Product: ProductSSM, Region: region, Edition: "enterprise", Credentials: credentials,
		QPSUnits: qps, Billing: billing, TermMonths: term}
}

func kms(region string, customer, managed, pending, calls int64) Item {
	return Item{Product: ProductKMS, Region: region, CustomerKeys: customer, ManagedKeys: managed,
		PendingDeletionKeys: pending, APICalls: calls, Days: 30}
}

func legacy(region string, credentials, calls int64) Item {
	return Item{Product: ProductLegacy, Region: region, Credentials: credentials, APICalls: calls}
}
