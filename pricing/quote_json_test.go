package pricing

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// The reference: the quote as encoding/json wrote it when the three types marshalled
// through json.Marshal, spelled out as plain structs in the same field order.
type (
	refLine struct {
		Description string          `json:"description"`
		Quantity    decimal.Decimal `json:"quantity"`
		Unit        string          `json:"unit"`
		UnitPrice   decimal.Decimal `json:"unit_price"`
		Note        string          `json:"note,omitempty"`
		Formula     string          `json:"formula,omitempty"`
		Source      string          `json:"source,omitempty"`
		Amount      string          `json:"amount"`
	}
	refItem struct {
		Product    string     `json:"product"`
		Name       string     `json:"name"`
		Region     string     `json:"region"`
		RegionName string     `json:"region_name"`
		Orderable  bool       `json:"orderable"`
		Lines      []refLine  `json:"lines"`
		SSM        *SSMSizing `json:"ssm,omitempty"`
		Input      Item       `json:"input"`
		Monthly    string     `json:"monthly"`
		Upfront    string     `json:"upfront"`
	}
	refTotals struct {
		Monthly string `json:"monthly"`
		Upfront string `json:"upfront"`
	}
	refQuote struct {
		Currency              string    `json:"currency"`
		PriceBook             BookRef   `json:"price_book"`
		Items                 []refItem `json:"items"`
		AccountLines          []refLine `json:"account_lines"`
		Totals                refTotals `json:"totals"`
		Assumptions           []Notice  `json:"assumptions"`
		Warnings              []Notice  `json:"warnings"`
		Settlement            []Notice  `json:"settlement"`
		QuotaIncreaseRequired bool      `json:"quota_increase_required"`
		Orderable             bool      `json:"orderable"`
	}
)

func refLines(ls []Line) []refLine {
	if ls == nil {
		return nil
	}
	out := make([]refLine, len(ls))
	for i, l := range ls {
		out[i] = refLine{l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Note, l.Formula, l.Source, l.Amount.StringFixed(2)}
	}
	return out
}

func reference(q Quote) refQuote {
	r := refQuote{Currency: q.Currency, PriceBook: q.PriceBook, AccountLines: refLines(q.AccountLines),
		Totals:      refTotals{q.Totals.Monthly.StringFixed(2), q.Totals.Upfront.StringFixed(2)},
		Assumptions: q.Assumptions, Warnings: q.Warnings, Settlement: q.Settlement,
		QuotaIncreaseRequired: q.QuotaIncreaseRequired, Orderable: q.Orderable}
	if q.Items != nil {
		r.Items = make([]refItem, len(q.Items))
	}
	for i, it := range q.Items {
		r.Items[i] = refItem{it.Product, it.Name, it.Region, it.RegionName, it.Orderable, refLines(it.Lines),
			it.SSM, it.Input, it.Monthly.StringFixed(2), it.Upfront.StringFixed(2)}
	}
	return r
}

func assertSameJSON(t *testing.T, q Quote) {
	t.Helper()
	got, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(reference(q))
	if err != nil {
		t.Fatal(err)
	}
	direct := q.AppendJSON(nil)
	if !bytes.Equal(direct, got) {
		t.Fatalf("AppendJSON and json.Marshal differ:\n%.200s\n%.200s", direct, got)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("JSON differs at byte %d:\ngot  …%.120s\nwant …%.120s", i, got[max(i-40, 0):], want[max(i-40, 0):])
	}
}

// TestQuoteJSONIsUnchanged: quotes of every shape encode byte for byte as before.
func TestQuoteJSONIsUnchanged(t *testing.T) {
	b := mustBook(t)
	r := rand.New(rand.NewPCG(7, 11))
	compared := 0
	for range 500 {
		q, err := Compute(b, randomRequest(r, b))
		if err != nil {
			continue
		}
		assertSameJSON(t, q)
		compared++
	}
	if compared < 250 {
		t.Fatalf("only %d of 500 random requests priced: the comparison is too thin", compared)
	}
	// Empty and nil parts, and a line with every optional field blank.
	assertSameJSON(t, Quote{})
	assertSameJSON(t, Quote{Items: []QuotedItem{{Lines: []Line{{}}}}, AccountLines: []Line{}})
}

// TestJSONStringsAreEscapedAsEncodingJSONDoes: any text in a line (a price book's
// description, a rep's note) comes out as encoding/json writes it.
func TestJSONStringsAreEscapedAsEncodingJSONDoes(t *testing.T) {
	samples := []string{"", "plain", `"quoted" \ back`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bbs\fff",
		"\x00\x01\x1f\x7f", "bad \xff\xfe utf-8 \xe2\x82", "line sep \u2028 para \u2029", "→ 1,587.00 “quoted” 你好 🙂"}
	r := rand.New(rand.NewPCG(3, 5))
	alphabet := []string{"a", "\"", "\\", "<", ">", "&", "\n", "\x00", "\x1f", "\xff", "é", "\u2028", "🙂", "\xe2\x80", " "}
	for range 2000 {
		var sb strings.Builder
		for range r.IntN(12) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		samples = append(samples, sb.String())
	}
	for _, s := range samples {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// BenchmarkQuoteJSON encodes a three-item quote through json.Marshal, as a quote in
// another document (a stored order) is.
func BenchmarkQuoteJSON(b *testing.B) {
	q := benchQuote(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteAppendJSON encodes the same quote as the API does: appended to a
// buffer that is reused.
func BenchmarkQuoteAppendJSON(b *testing.B) {
	q := benchQuote(b)
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = q.AppendJSON(buf[:0])
	}
}

// TestJSONNumbersAreWrittenAsDecimalDoes: amounts and exact values come out as
// StringFixed(2) and String() write them, for coefficients that fit an int64 (written
// directly) and for those that do not (left to decimal), of either sign, at every
// exponent a price book or a computation can give and beyond.
func TestJSONNumbersAreWrittenAsDecimalDoes(t *testing.T) {
	for _, d := range decimalSamples() {
		if got, want := string(appendCents(nil, d)), `"`+d.StringFixed(2)+`"`; got != want {
			t.Errorf("appendCents(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := string(appendDecimal(nil, d)), `"`+d.String()+`"`; got != want {
			t.Errorf("appendDecimal(%s) = %s, want %s", d.String(), got, want)
		}
	}
}

// FuzzJSONStringAgreesWithEncodingJSON: any text, valid UTF-8 or not, comes out of
// appendString as encoding/json writes it.
func FuzzJSONStringAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&</a>", "\x00\x1f\x7f\n", "\xff\xe2\x82", "\u2028\u2029", "“529” × 3 → 你好 🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// FuzzNumbersAgreeWithDecimal: an amount or a quantity of any coefficient and
// exponent is written as decimal's own strings write it, in the JSON and on the
// pages.
func FuzzNumbersAgreeWithDecimal(f *testing.F) {
	f.Add(int64(158700), int32(-2))
	f.Add(int64(-5), int32(-3))
	f.Add(int64(0), int32(4))
	f.Add(int64(-1<<63), int32(0))
	f.Fuzz(func(t *testing.T, coef int64, exp int32) {
		exp %= 40 // decimal itself is slow far out, and nothing prices there
		d := decimal.New(coef, exp)
		if got, want := string(appendCents(nil, d)), `"`+d.StringFixed(2)+`"`; got != want {
			t.Fatalf("appendCents(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := string(appendDecimal(nil, d)), `"`+d.String()+`"`; got != want {
			t.Fatalf("appendDecimal(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := FormatMoney(d), grouped(d.StringFixed(2)); got != want {
			t.Fatalf("FormatMoney(%s) = %s, want %s", d.String(), got, want)
		}
		if got, want := FormatDecimal(d), grouped(d.String()); got != want {
			t.Fatalf("FormatDecimal(%s) = %s, want %s", d.String(), got, want)
		}
	})
}

// fillRandomly sets every exported string and integer field of the struct v points to:
// each empty or zero half of the time (so that omitempty is tried both ways), else a
// value from a list with HTML, control and non-UTF-8 text, negatives and extremes. A
// field of another kind fails the test: its writer must then be taught it.
func fillRandomly(t *testing.T, r *rand.Rand, v any) {
	t.Helper()
	texts := []string{"ssm", "ap-tokyo", `<b>"x" & 'y'</b>`, "tab\t\x00\x1f", "\u2028", "bad \xff", "“529” ×"}
	numbers := []int64{1, -1, 42, 1 << 40, -1 << 63, 1<<63 - 1}
	e := reflect.ValueOf(v).Elem()
	for i := range e.NumField() {
		f, sf := e.Field(i), e.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		empty := r.IntN(2) == 0
		switch f.Kind() {
		case reflect.String:
			if !empty {
				f.SetString(texts[r.IntN(len(texts))])
			}
		case reflect.Int64:
			if !empty {
				f.SetInt(numbers[r.IntN(len(numbers))])
			}
		default:
			t.Fatalf("%s.%s is a %s: teach its JSON writer and this test about it", e.Type(), sf.Name, f.Kind())
		}
	}
}

// TestInputAndSizingAreWrittenAsEncodingJSONDoes: every field of an item's input and
// sizing, present or empty, with any text, is written as json.Marshal writes it. A
// field added to either struct and not to its writer fails here.
func TestInputAndSizingAreWrittenAsEncodingJSONDoes(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 31))
	for range 5000 {
		var it Item
		fillRandomly(t, r, &it)
		want, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		if got := it.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("Item:\ngot  %s\nwant %s", got, want)
		}
		var z SSMSizing
		fillRandomly(t, r, &z)
		if want, err = json.Marshal(&z); err != nil {
			t.Fatal(err)
		}
		if got := z.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("SSMSizing:\ngot  %s\nwant %s", got, want)
		}
	}
}
