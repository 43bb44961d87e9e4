package pricing

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func problemsOf(t *testing.T, req Request) *ValidationError {
	t.Helper()
	_, err := Compute(mustBook(t), req)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	return ve
}

func TestValidationNamesEveryProblemWithItsField(t *testing.T) {
	tests := []struct {
		name  string
		item  Item
		field string
		want  string
	}{
		{"unknown product", Item{Product: "cvm", Region: "ap-tokyo"}, "product", "not a product"},
		{"missing product", Item{Region: "ap-tokyo"}, "product", "is required"},
		{"unknown region", ssm("mars-1", 1, 0, BillingMonthly, 1), "region", "not a region"},
		{"missing region", ssm("", 1, 0, BillingMonthly, 1), "region", "is required"},
		{"unknown edition", Item{Product: ProductSSM, Region: "ap-tokyo", Edition: "gold", Credentials: 1, Billing: BillingMonthly, TermMonths: 1}, "edition", "not an edition"},
		{"unknown billing", ssm("ap-tokyo", 1, 0, "weekly", 1), "billing", "not a billing mode"},
		{"missing billing", ssm("ap-tokyo", 1, 0, "", 1), "billing", "is required"},
		{"zero SSM credentials", ssm("ap-tokyo", 0, 0, BillingMonthly, 1), "credentials", "at least 1"},
		{"negative credentials", ssm("ap-tokyo", -5, 0, BillingMonthly, 1), "credentials", "negative"},
		{"absurd credentials", ssm("ap-tokyo", 1_000_001, 0, BillingMonthly, 1), "credentials", "at most 1,000,000"},
		{"absurd QPS units", ssm("ap-tokyo", 1, 10_001, BillingMonthly, 1), "qps_units", "at most 10,000"},
		{"monthly term of 12", ssm("ap-tokyo", 1, 0, BillingMonthly, 12), "term_months", "1 to 11 months"},
		{"monthly term of 0", ssm("ap-tokyo", 1, 0, BillingMonthly, 0), "term_months", "1 to 11 months"},
		{"annual term of 18", ssm("ap-tokyo", 1, 0, BillingAnnual, 18), "term_months", "12, 24 or 36"},
		{"annual term of 48", ssm("ap-tokyo", 1, 0, BillingAnnual, 48), "term_months", "an annual term is 12, 24 or 36 months"},
		{"monthly term of 40", ssm("ap-tokyo", 1, 0, BillingMonthly, 40), "term_months", "a monthly term is 1 to 11 months"},
		{"no billing, term of 40", ssm("ap-tokyo", 1, 0, "", 40), "term_months", "at most 36"},
		{"negative keys", kms("ap-tokyo", -1, 0, 0, 0), "customer_keys", "negative"},
		{"negative calls", kms("ap-tokyo", 0, 0, 0, -1), "api_calls", "negative"},
		{"absurd calls", kms("ap-tokyo", 0, 0, 0, 1_000_000_000_001), "api_calls", "at most 1,000,000,000,000"},
		{"32 days", Item{Product: ProductKMS, Region: "ap-tokyo", Days: 32}, "days", "1 to 31"},
		{"negative days", Item{Product: ProductKMS, Region: "ap-tokyo", Days: -1}, "days", "negative"},
		{"negative legacy credentials", legacy("ap-tokyo", -1, 0), "credentials", "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ve := problemsOf(t, Request{Items: []Item{kms("ap-tokyo", 0, 0, 0, 0), tt.item}})
			msg := ve.For("items[1]." + tt.field)
			if !strings.Contains(msg, tt.want) {
				t.Errorf("items[1].%s: message %q, want it to contain %q (all: %v)", tt.field, msg, tt.want, ve)
			}
			for _, p := range ve.Problems {
				if strings.HasPrefix(p.Field, "items[0]") {
					t.Errorf("a good item got a problem: %+v", p)
				}
			}
		})
	}
}

func TestValidationReturnsEveryProblemAtOnce(t *testing.T) {
	ve := problemsOf(t, Request{Items: []Item{
		{Product: ProductSSM, Region: "nowhere", Credentials: 0, Billing: "weekly"},
		{Product: ProductKMS, Region: "ap-tokyo", CustomerKeys: -1, Days: 40},
	}})
	want := []string{"items[0].region", "items[0].credentials", "items[0].billing", "items[1].customer_keys", "items[1].days"}
	if len(ve.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(ve.Problems), len(want), ve)
	}
	for i, f := range want {
		if ve.Problems[i].Field != f {
			t.Errorf("problem %d is about %s, want %s", i, ve.Problems[i].Field, f)
		}
	}
}

func TestRequestSize(t *testing.T) {
	if ve := problemsOf(t, Request{}); !strings.Contains(ve.For("items"), "at least one") {
		t.Errorf("empty request: %v", ve)
	}
	items := make([]Item, MaxItems+1)
	for i := range items {
		items[i] = kms("ap-tokyo", 0, 0, 0, 0)
	}
	if ve := problemsOf(t, Request{Items: items}); !strings.Contains(ve.For("items"), "at most 50") {
		t.Errorf("51 items: %v", ve)
	}
	mustQuote(t, items[:MaxItems]...)
}

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		malformed string            // a MalformedError containing this
		problems  map[string]string // else validation problems: field -> part of message
	}{
		{name: "broken JSON", body: `{"items": [`, malformed: "not valid JSON"},
		{name: "empty body", body: ``, malformed: "empty"},
		{name: "unknown top-level field", body: `{"items": [], "foo": 1}`, malformed: "unknown field"},
		{name: "unknown item field", body: `{"items": [{"product": "kms", "colour": "red"}]}`, malformed: `unknown field "colour"`},
		{name: "trailing data", body: `{"items": []} {}`, malformed: "after"},
		{name: "items not a list", body: `{"items": 3}`, malformed: "items"},
		{name: "fraction", body: `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1.5}]}`,
			problems: map[string]string{"items[0].customer_keys": "whole number"}},
		{name: "letters", body: `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": "ten"}]}`,
			problems: map[string]string{"items[0].customer_keys": "must be a number"}},
		{name: "huge", body: `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 1e40}]}`,
			problems: map[string]string{"items[0].api_calls": "at most"}},
		{name: "huge integer", body: `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 99999999999999999999999}]}`,
			problems: map[string]string{"items[0].api_calls": "at most"}},
		{name: "explicit zero days", body: `{"items": [{"product": "kms", "region": "ap-tokyo", "days": 0}]}`,
			problems: map[string]string{"items[0].days": "1 to 31"}},
		{name: "field of another product", body: `{"items": [{"product": "ssm", "region": "ap-tokyo", "credentials": 1, "billing": "monthly", "term_months": 1, "customer_keys": 3}]}`,
			problems: map[string]string{"items[0].customer_keys": "does not apply to ssm"}},
		{name: "product not text", body: `{"items": [{"product": 7}]}`,
			problems: map[string]string{"items[0].product": "must be text"}},
		{name: "region not text", body: `{"items": [{"product": "kms", "region": 7}]}`,
			problems: map[string]string{"items[0].region": "must be text"}},
		{name: "no items", body: `{"items": []}`, problems: map[string]string{"items": "at least one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeRequest(strings.NewReader(tt.body))
			if tt.malformed != "" {
				var me *MalformedError
				if !errors.As(err, &me) || !strings.Contains(me.Message, tt.malformed) {
					t.Fatalf("want a malformed error about %q, got %v", tt.malformed, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			ve := problemsOf(t, req)
			for f, want := range tt.problems {
				if got := ve.For(f); !strings.Contains(got, want) {
					t.Errorf("%s: %q, want %q (all: %v)", f, got, want, ve)
				}
			}
		})
	}
}

func TestDecodeRequestDefaultsAndForgivingNumbers(t *testing.T) {
	req, err := DecodeRequest(strings.NewReader(`{"items": [
		{"product": "kms", "region": "ap-tokyo", "customer_keys": 2, "api_calls": 1e5},
		{"product": "ssm", "region": "ap-tokyo", "credentials": 2500, "billing": "annual", "term_months": 12, "edition": null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compute(mustBook(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if q.Items[0].Input.Days != DefaultDays || q.Items[0].Input.APICalls != 100_000 {
		t.Errorf("kms input %+v: want 30 days and 100,000 calls", q.Items[0].Input)
	}
	if q.Items[1].Input.Edition != "enterprise" {
		t.Errorf("edition defaults to the first one, got %q", q.Items[1].Input.Edition)
	}
}

func TestParseItemFromAForm(t *testing.T) {
	form := map[string]string{"region": " ap-tokyo ", "credentials": "2,500", "qps_units": "", "billing": "annual", "term_months": "12"}
	it := ParseItem(ProductSSM, func(name string) Value {
		v, ok := form[name]
		return Value{Text: v, Present: ok && strings.TrimSpace(v) != ""}
	})
	q, err := Compute(mustBook(t), Request{Items: []Item{it}})
	if err != nil {
		t.Fatal(err)
	}
	assertMoney(t, "monthly", q.Totals.Monthly, "1587")

	for _, bad := range []string{"-3", "abc", "1.5", "1e99", "99999999999999999999", "1e3", "2E2"} {
		it := ParseItem(ProductSSM, func(name string) Value {
			if name == "credentials" {
				return Value{Text: bad, Present: true}
			}
			v, ok := form[name]
			return Value{Text: v, Present: ok && v != ""}
		})
		_, err := Compute(mustBook(t), Request{Items: []Item{it}})
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.For("items[0].credentials") == "" {
			t.Errorf("credentials %q: want a field problem, got %v", bad, err)
		}
	}
}

// TestATypedCountHasNoExponent: JSON may write 1000 as 1e3, a person typing in a form
// does not; there "1e3" is more likely a slip than a thousand, and is refused.
func TestATypedCountHasNoExponent(t *testing.T) {
	if n, msg := ParseCount("credentials", "1e3"); msg != "must be a whole number, like 1200" {
		t.Errorf(`ParseCount("1e3") = %d, %q; want it refused`, n, msg)
	}
	if n, msg := ParseCount("credentials", "1,000"); n != 1000 || msg != "" {
		t.Errorf(`ParseCount("1,000") = %d, %q`, n, msg)
	}
	req, err := DecodeRequest(strings.NewReader(`{"items":[{"product":"ssm","region":"ap-tokyo","credentials":1e3,"billing":"monthly","term_months":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compute(mustBook(t), req)
	if err != nil || q.Items[0].SSM.IncludedCredentials != 1000 {
		t.Errorf("JSON's 1e3 credentials: %v, %v; want 1,000", err, q.Items)
	}
}

func ExampleCompute() {
	book, _ := EmbeddedBook()
	q, _ := Compute(book, Request{Items: []Item{{Product: ProductLegacy, Region: "ap-beijing", Credentials: 100, APICalls: 60_000}}})
	fmt.Println(q.Totals.Monthly.StringFixed(2), q.Currency)
	// Output: 40.30 USD
}
