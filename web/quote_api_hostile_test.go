package web

import (
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The quote API is open to anyone (no session), so it meets hostile JSON first. These
// cases add to TestQuoteAPIErrors (quote_api_test.go): a body of unknown length over
// the limit, nesting far past the decoder's limit, and the ambiguous documents a
// strict reader refuses.

// apiErrors decodes an API error body, failing unless it is one.
func apiErrors(t *testing.T, status int, h http.Header, body []byte) []struct{ Field, Message string } {
	t.Helper()
	var e struct {
		Errors []struct{ Field, Message string }
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal(body, &e) != nil || len(e.Errors) == 0 || e.Errors[0].Message == "" {
		t.Fatalf("%d: not a JSON error body: %s %.300s", status, h.Get("Content-Type"), body)
	}
	return e.Errors
}

func TestQuoteAPIRefusesABodyOverOneMiBOfUnknownLength(t *testing.T) {
	s, _ := newTestServer(t)
	item := `{"product": "kms", "region": "ap-tokyo"},`
	body := `{"items": [` + strings.Repeat(item, DefaultMaxBodyBytes/len(item)+1) + `{}]}`
	// A reader without a length: the request is chunked, and the limit is met while
	// the decoder reads, not before the handler runs.
	w := do(s, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}},
		io.MultiReader(strings.NewReader(body)))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d, want 413", w.Code)
	}
	apiErrors(t, w.Code, w.Header(), w.Body.Bytes())
}

func TestQuoteAPIRefusesDeepNestingQuicklyAndCheaply(t *testing.T) {
	s, _ := newTestServer(t)
	const depth = 100_000
	for name, body := range map[string]string{
		"arrays, unclosed":        strings.Repeat("[", depth),
		"arrays, closed":          strings.Repeat("[", depth) + strings.Repeat("]", depth),
		"objects, unclosed":       strings.Repeat(`{"a":`, depth),
		"objects, closed":         strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth),
		"inside items":            `{"items": [` + strings.Repeat(`{"a":`, depth),
		"inside an item's value":  `{"items": [{"product": ` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}]}`,
		"inside an unknown field": `{"items": [], "x": ` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			w := do(s, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%d, want 400: %.300s", w.Code, w.Body.String())
			}
			apiErrors(t, w.Code, w.Header(), w.Body.Bytes())
			// Generous bounds (the race detector is slow): a parser that recursed
			// without a limit would take far longer and hold the whole tree.
			if took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB for a %d KiB body", alloc>>20, len(body)>>10)
			}
		})
	}
}

func TestQuoteAPIRefusesAmbiguousJSON(t *testing.T) {
	s, _ := newTestServer(t)
	const kms = `{"product": "kms", "region": "ap-tokyo", "customer_keys": 1}`
	tests := []struct {
		name, contentType, body string
		status                  int
		field, says             string
	}{
		// Duplicate keys: encoding/json keeps the last in silence, another reader
		// (a proxy, a log, a script) may keep the first. Refused rather than guessed.
		{"items twice", "application/json", `{"items": [` + kms + `], "items": []}`, 400, "", "twice"},
		{"items twice, in another case", "application/json", `{"items": [` + kms + `], "ITEMS": [` + kms + `, ` + kms + `]}`, 400, "", "twice"},
		{"a count twice", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1, "customer_keys": 500}]}`, 400, "", "twice"},
		{"a key twice, once escaped", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1, "customer\u005fkeys": 500}]}`, 400, "", "twice"},
		{"the product twice", "application/json", `{"items": [{"product": "kms", "product": "ssm", "region": "ap-tokyo"}]}`, 400, "", "twice"},

		{"trailing text", "application/json", `{"items": [` + kms + `]} x`, 400, "", "after"},
		{"a second document", "application/json", `{"items": [` + kms + `]}{"items": []}`, 400, "", "after"},
		{"a stray bracket", "application/json", `{"items": [` + kms + `]}]`, 400, "", "after"},
		{"trailing NUL", "application/json", `{"items": [` + kms + `]}` + "\x00", 400, "", ""},

		{"text/plain, what a form on another site can send", "text/plain", `{"items": [` + kms + `]}`, 415, "", "application/json"},
		{"multipart", "multipart/form-data; boundary=x", `{"items": [` + kms + `]}`, 415, "", "application/json"},
		{"text/json", "text/json", `{"items": [` + kms + `]}`, 415, "", "application/json"},
		{"a broken content type", "application/json; charset", `{"items": [` + kms + `]}`, 415, "", "application/json"},

		{"1e400", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1e400}]}`, 422, "items[0].customer_keys", "at most"},
		{"-1e400", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": -1e400}]}`, 422, "items[0].customer_keys", "negative"},
		{"1e-400", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1e-400}]}`, 422, "items[0].customer_keys", "whole number"},
		{"an exponent past the decimal library's", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 1e999999999}]}`, 422, "items[0].customer_keys", "whole number"},
		{"past int64", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 9223372036854775808}]}`, 422, "items[0].api_calls", "at most"},
		{"100 000 digits", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 1` + strings.Repeat("0", 100_000) + `}]}`, 422, "items[0].api_calls", "whole number"},
		{"a count as a string", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": "1"}]}`, 422, "items[0].customer_keys", "number"},
		{"NaN", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": NaN}]}`, 400, "", ""},
		{"Infinity", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": Infinity}]}`, 400, "", ""},
		{"hexadecimal", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 0x10}]}`, 400, "", ""},
		{"a plus sign", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": +1}]}`, 400, "", ""},
		{"a leading zero", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": 01}]}`, 400, "", ""},

		{"markup as a field name", "application/json", `{"items": [{"<script>alert(1)</script>": 1}]}`, 400, "", "unknown field"},
		{"markup as a region", "application/json", `{"items": [{"product": "kms", "region": "<script>alert(1)</script>"}]}`, 422, "items[0].region", ""},
		{"invalid UTF-8 in a string", "application/json", "{\"items\": [{\"product\": \"kms\", \"region\": \"ap-\xff\"}]}", 422, "items[0].region", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {tt.contentType}}, strings.NewReader(tt.body))
			if w.Code != tt.status {
				t.Fatalf("%d, want %d: %.300s", w.Code, tt.status, w.Body.String())
			}
			errs := apiErrors(t, w.Code, w.Header(), w.Body.Bytes())
			if errs[0].Field != tt.field || !strings.Contains(errs[0].Message, tt.says) {
				t.Errorf("first error %+v, want field %q saying %q", errs[0], tt.field, tt.says)
			}
			assertNoMarkup(t, "the error", w.Body.String())
		})
	}
}

// TestQuoteAPIReadsNegativeZeroAsZero: JSON's -0 is the number zero, not a negative
// count; it is read as 0 keys (as a form's "-0" is), never refused as negative nor
// stored with a sign.
func TestQuoteAPIReadsNegativeZeroAsZero(t *testing.T) {
	s, _ := newTestServer(t)
	for _, zero := range []string{"-0", "-0.0", "-0e5"} {
		code, q, _ := postJSON(s, `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": `+zero+`, "days": 30}]}`)
		if code != http.StatusOK {
			t.Errorf("%s: %d %v", zero, code, q)
			continue
		}
		if monthly := q["totals"].(map[string]any)["monthly"]; monthly != "0.00" {
			t.Errorf("%s keys cost %v a month, want 0.00", zero, monthly)
		}
	}
}
