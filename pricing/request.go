package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Products the engine prices.
const (
	ProductSSM    = "ssm"        // Secrets Manager, new billing (subscription)
	ProductKMS    = "kms"        // Key Management Service, pay-as-you-go
	ProductLegacy = "ssm_legacy" // Secrets Manager, old billing (estimate only)
)

// Billing modes of an SSM subscription.
const (
	BillingMonthly = "monthly"
	BillingAnnual  = "annual"
)

// MaxItems bounds a request: a quote longer than this is a mistake or an attack.
const MaxItems = 50

// DefaultDays is the length of a month estimate of KMS key storage.
const DefaultDays = 30

// Request is what a customer wants priced: a list of items.
type Request struct {
	Items []Item `json:"items"`
}

// Item is one thing to price. Which fields apply depends on Product: ssm uses Edition,
// Credentials, QPSUnits, Billing and TermMonths; kms uses CustomerKeys, ManagedKeys,
// PendingDeletionKeys, APICalls and Days; ssm_legacy uses Credentials and APICalls.
// An empty Edition means the price book's first edition and a zero Days means
// [DefaultDays]: a field left out of a request. A 0 sent for days is refused by the
// decoders, as a month of no days.
type Item struct {
	Product             string `json:"product"`
	Region              string `json:"region"`
	Edition             string `json:"edition,omitempty"`
	Credentials         int64  `json:"credentials,omitempty"`
	QPSUnits            int64  `json:"qps_units,omitempty"`
	Billing             string `json:"billing,omitempty"`
	TermMonths          int64  `json:"term_months,omitempty"`
	CustomerKeys        int64  `json:"customer_keys,omitempty"`
	ManagedKeys         int64  `json:"managed_keys,omitempty"`
	PendingDeletionKeys int64  `json:"pending_deletion_keys,omitempty"`
	APICalls            int64  `json:"api_calls,omitempty"`
	Days                int64  `json:"days,omitempty"`

	// invalid holds what the decoder could not read, by field name; Compute reports
	// it with the other problems so that every problem is listed at once.
	invalid []Problem
}

// field describes one input field: whether it holds a count, the products it applies
// to, and for counts the largest sane value (said in the message when exceeded).
type field struct {
	count    bool
	products []string
	max      int64
	tooBig   string // the message when above max, if not "must be at most max"
}

func (f field) tooBigMessage() string {
	if f.tooBig != "" {
		return f.tooBig
	}
	return "must be at most " + count(f.max)
}

var fields = map[string]field{
	"product":               {},
	"region":                {},
	"edition":               {products: []string{ProductSSM}},
	"billing":               {products: []string{ProductSSM}},
	"credentials":           {count: true, products: []string{ProductSSM, ProductLegacy}, max: 1_000_000},
	"qps_units":             {count: true, products: []string{ProductSSM}, max: 10_000},
	"term_months":           {count: true, products: []string{ProductSSM}, max: 36},
	"customer_keys":         {count: true, products: []string{ProductKMS}, max: 1_000_000},
	"managed_keys":          {count: true, products: []string{ProductKMS}, max: 1_000_000},
	"pending_deletion_keys": {count: true, products: []string{ProductKMS}, max: 1_000_000},
	"api_calls":             {count: true, products: []string{ProductKMS, ProductLegacy}, max: 1_000_000_000_000},
	"days":                  {count: true, products: []string{ProductKMS}, max: 31, tooBig: "must be from 1 to 31"},
}

var fieldOrder = [...]string{"product", "region", "edition", "credentials", "qps_units", "billing", "term_months",
	"customer_keys", "managed_keys", "pending_deletion_keys", "api_calls", "days"}

// FieldNames lists the input fields an item of the product takes, in form order. The
// caller must not modify the list.
func FieldNames(product string) []string { return productFields[product] }

var productFields = func() map[string][]string {
	m := map[string][]string{}
	for product := range productNames {
		for _, name := range fieldOrder[1:] {
			if appliesTo(fields[name], product) {
				m[product] = append(m[product], name)
			}
		}
	}
	return m
}()

func appliesTo(f field, product string) bool {
	if f.products == nil {
		return true
	}
	for _, p := range f.products {
		if p == product {
			return true
		}
	}
	return false
}

// Value is one raw input value, as a form or a JSON document gives it.
type Value struct {
	Text    string // the value as typed, or the JSON number or string
	Present bool   // false when the field was left out (or empty on a form)
	// Kind is "" for a form value, else the JSON kind: "string", "number", "other".
	Kind string
}

// ParseItem builds an item from raw values looked up by field name (see [FieldNames]),
// as both the JSON decoder and the web forms do, so that they read input alike (but
// for an exponent, JSON's notation, which a form refuses). What cannot be read is kept
// and reported by [Compute] with the other problems.
func ParseItem(product string, get func(name string) Value) Item {
	it := Item{Product: product}
	for _, name := range FieldNames(product) {
		v := get(name)
		if !v.Present {
			continue
		}
		f := fields[name]
		if !f.count {
			if v.Kind != "" && v.Kind != "string" {
				it.invalid = append(it.invalid, Problem{name, "must be text"})
				continue
			}
			it.setText(name, strings.TrimSpace(v.Text))
			continue
		}
		if v.Kind != "" && v.Kind != "number" {
			it.invalid = append(it.invalid, Problem{name, "must be a number"})
			continue
		}
		var n int64
		var msg string
		if v.Kind == "" {
			n, msg = parseTypedCount(v.Text, f)
		} else {
			n, msg = parseCount(v.Text, f)
		}
		if msg == "" && name == "days" && n == 0 {
			msg = "must be from 1 to 31"
		}
		if msg != "" {
			it.invalid = append(it.invalid, Problem{name, msg})
			continue
		}
		it.setCount(name, n)
	}
	return it
}

func (it *Item) setText(name, v string) {
	switch name {
	case "region":
		it.Region = v
	case "edition":
		it.Edition = v
	case "billing":
		it.Billing = v
	}
}

func (it *Item) setCount(name string, n int64) {
	switch name {
	case "credentials":
		it.Credentials = n
	case "qps_units":
		it.QPSUnits = n
	case "term_months":
		it.TermMonths = n
	case "customer_keys":
		it.CustomerKeys = n
	case "managed_keys":
		it.ManagedKeys = n
	case "pending_deletion_keys":
		it.PendingDeletionKeys = n
	case "api_calls":
		it.APICalls = n
	case "days":
		it.Days = n
	}
}

// parseTypedCount is parseCount for a count typed in a form: in digits only. An
// exponent ("1e3") is JSON's notation for a number, and in a form field more likely a
// slip of the keyboard than a thousand.
func parseTypedCount(s string, f field) (int64, string) {
	if strings.ContainsAny(s, "eE") {
		return 0, "must be a whole number, like 1200"
	}
	return parseCount(s, f)
}

// parseCount reads a whole, non-negative number of at most max. People type
// thousands separators ("2,500") and spaces; they are allowed. The message is "" when
// the number is good.
func parseCount(s string, f field) (int64, string) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, ", _") {
		s = strings.NewReplacer(",", "", " ", "", "_", "").Replace(s)
	}
	if s == "" {
		return 0, "enter a number" // a form's blank field: it holds nothing to call "not a number"
	}
	max, atMost := f.max, f.tooBigMessage()
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n < 0:
			return 0, "must not be negative"
		case n > max:
			return 0, atMost
		}
		return n, ""
	}
	// Not a plain integer: a decimal, an exponent, something huge, or not a number.
	d, err := decimal.NewFromString(s)
	if err != nil || len(s) > 64 {
		return 0, "must be a whole number, like 1200"
	}
	switch {
	case d.IsNegative():
		return 0, "must not be negative"
	case !d.IsInteger():
		return 0, "must be a whole number, without decimals"
	case d.GreaterThan(decimal.NewFromInt(max)):
		return 0, atMost
	}
	return d.IntPart(), ""
}

// DecodeRequest reads a JSON request ({"items": [...]}) strictly: broken JSON, unknown
// fields, duplicate keys or trailing data give a [*MalformedError]; values that are
// there but wrong (a fraction, a negative count) are left for [Compute] to report with
// the rest.
func DecodeRequest(r io.Reader) (Request, error) {
	// At most fastDecodeLimit bytes are read ahead for the fast decoder. A longer
	// input (no plain request of MaxItems items comes near it) goes to the strict
	// decoder as a stream, which stops at its first syntax error, as it always has:
	// `yes | quote` must not read forever.
	data, err := io.ReadAll(io.LimitReader(r, fastDecodeLimit+1))
	switch {
	case err != nil:
		// The body could not be read whole (over its size limit, a connection gone):
		// the decoder meets the same bytes, then the same error, as it always has.
		return decodeRequestStrict(io.MultiReader(bytes.NewReader(data), errorReader{err}))
	case len(data) > fastDecodeLimit:
		return decodeRequestStrict(io.MultiReader(bytes.NewReader(data), r))
	}
	if req, ok := decodeRequestFast(data); ok {
		return req, nil
	}
	return decodeRequestStrict(bytes.NewReader(data))
}

// fastDecodeLimit bounds what DecodeRequest reads before it decodes: 64 kB, six times
// a plain request of MaxItems items with every field.
const fastDecodeLimit = 64 << 10

type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// decodeRequestStrict is DecodeRequest with encoding/json: every request the fast
// decoder does not take, and all that are malformed, get their answer here.
func decodeRequestStrict(r io.Reader) (Request, error) {
	var wire struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	var read bytes.Buffer // what the decoder read, for the duplicate key check
	dec := json.NewDecoder(io.TeeReader(r, &read))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wire); err != nil {
		return Request{}, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Request{}, &MalformedError{"the request has data after its JSON object"}
	}
	if key, dup := duplicateKey(read.Bytes()); dup {
		return Request{}, &MalformedError{fmt.Sprintf("the request has the key %q twice in one object", key)}
	}
	req := Request{Items: make([]Item, 0, len(wire.Items))}
	for i, raw := range wire.Items {
		names := make([]string, 0, len(raw))
		for name := range raw {
			if _, ok := fields[name]; !ok {
				return Request{}, &MalformedError{fmt.Sprintf("items[%d] has an unknown field %q", i, name)}
			}
			names = append(names, name)
		}
		req.Items = append(req.Items, itemFromJSON(func(name string) Value { return jsonValue(raw[name]) }, names))
	}
	return req, nil
}

// decodeError turns what the JSON decoder says about the input into a
// [*MalformedError]; an error of the reader itself (a body over its size limit, a
// connection gone) is returned as it is, for the caller to tell apart.
func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &MalformedError{"the request body is empty; send {\"items\": [...]}"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &MalformedError{"the request is not valid JSON: it ends too early"}
	case errors.As(err, &se), strings.HasPrefix(err.Error(), "json: unknown field "):
		return &MalformedError{"the request " + jsonErrorMessage(err)}
	case errors.As(err, &te):
		field := te.Field
		switch {
		case field == "":
			field = "the request" // the whole body is of the wrong kind
		case field == "items" && te.Type.Kind() != reflect.Slice:
			field = "each item in items" // a list, of something other than objects
		}
		return &MalformedError{field + " " + jsonErrorMessage(err)}
	case strings.HasPrefix(err.Error(), "json: "): // e.g. nesting too deep
		return &MalformedError{"the request " + jsonErrorMessage(err)}
	}
	return err
}

// itemFromJSON builds an item from one JSON object: get gives a field's value and
// names are the object's keys (all known fields).
func itemFromJSON(get func(name string) Value, names []string) Item {
	pv := get("product")
	if pv.Present && pv.Kind != "string" {
		return Item{invalid: []Problem{{"product", "must be text: ssm, kms or ssm_legacy"}}}
	}
	it := ParseItem(pv.Text, get)
	// A field that belongs to another product is most likely a mistake (a KMS count
	// sent on an SSM item would otherwise be ignored in silence).
	if _, known := productNames[pv.Text]; known {
		var foreign []string
		for _, name := range names {
			if name != "product" && !appliesTo(fields[name], pv.Text) && get(name).Present {
				foreign = append(foreign, name)
			}
		}
		sort.Strings(foreign)
		for _, name := range foreign {
			it.invalid = append(it.invalid, Problem{name, "does not apply to " + pv.Text + " items"})
		}
	}
	return it
}

// jsonValue classifies a raw JSON value; null counts as left out.
func jsonValue(raw json.RawMessage) Value {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return Value{}
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return Value{Present: true, Kind: "other"}
		}
		return Value{Text: s, Present: true, Kind: "string"}
	case c == '-' || (c >= '0' && c <= '9'):
		return Value{Text: string(raw), Present: true, Kind: "number"}
	}
	return Value{Present: true, Kind: "other"}
}

var productNames = map[string]string{
	ProductSSM:    "Secrets Manager",
	ProductKMS:    "Key Management Service",
	ProductLegacy: "Secrets Manager (old billing)",
}
