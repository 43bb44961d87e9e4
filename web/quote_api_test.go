package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func postJSON(h http.Handler, body string) (int, map[string]any, http.Header) {
	w := do(h, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
	var m map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return w.Code, m, w.Header()
}

const issueExample = `{"items": [
  {"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": 2500,
   "qps_units": 2, "billing": "annual", "term_months": 12},
  {"product": "kms", "region": "ap-guangzhou", "customer_keys": 10, "managed_keys": 2,
   "pending_deletion_keys": 1, "api_calls": 125000, "days": 30},
  {"product": "ssm_legacy", "region": "ap-beijing", "credentials": 100, "api_calls": 60000}
]}`

func TestQuoteAPIAnswersTheWholeQuote(t *testing.T) {
	s, _ := newTestServer(t)
	code, q, h := postJSON(s, issueExample)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s: %v", code, h.Get("Content-Type"), q)
	}
	if q["currency"] != "USD" {
		t.Errorf("currency %v", q["currency"])
	}
	book := q["price_book"].(map[string]any)
	if book["version"] == "" || book["effective"] == "" {
		t.Errorf("price_book %v", book)
	}
	totals := q["totals"].(map[string]any)
	if totals["monthly"] != "1925.19" || totals["upfront"] != "22380.00" {
		t.Errorf("totals %v, want monthly 1925.19 and upfront 22380.00 as strings", totals)
	}
	items := q["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	ssm := items[0].(map[string]any)
	if ssm["monthly"] != "1865.00" || ssm["upfront"] != "22380.00" {
		t.Errorf("ssm item %v / %v", ssm["monthly"], ssm["upfront"])
	}
	line := ssm["lines"].([]any)[0].(map[string]any)
	if line["unit_price"] != "529" || line["amount"] != "1587.00" {
		t.Errorf("line %v", line)
	}
	legacy := items[2].(map[string]any)
	if legacy["upfront"] != "0.00" {
		t.Errorf("two decimals everywhere, got %v", legacy["upfront"])
	}
	acc := q["account_lines"].([]any)
	if len(acc) != 2 || acc[0].(map[string]any)["amount"] != "1.89" || acc[1].(map[string]any)["amount"] != "0.30" {
		t.Errorf("account lines %v", acc)
	}
	if len(q["assumptions"].([]any)) == 0 || len(q["warnings"].([]any)) == 0 {
		t.Error("assumptions and warnings must be there")
	}
}

func TestQuoteAPIErrors(t *testing.T) {
	s, _ := newTestServer(t)
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		field       string
	}{
		{"invalid items", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": -1}, {"product": "ssm", "region": "ap-tokyo", "credentials": 0, "billing": "annual", "term_months": 12}]}`, 422, "items[0].customer_keys"},
		{"no items", "application/json", `{"items": []}`, 422, "items"},
		{"fraction", "application/json", `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 2.5}]}`, 422, "items[0].api_calls"},
		{"malformed", "application/json", `{"items": [`, 400, ""},
		{"unknown field", "application/json", `{"items": [], "discount": 50}`, 400, ""},
		{"deeply nested", "application/json", `{"items": [` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `]}`, 400, ""},
		{"empty body", "application/json", ``, 400, ""},
		{"charset is fine", "application/json; charset=utf-8", `{"items": []}`, 422, "items"},
		{"form content type", "application/x-www-form-urlencoded", `items=1`, 415, ""},
		{"no content type", "", `{"items": []}`, 415, ""},
		{"over the body limit", "application/json", `{"items": [` + strings.Repeat(`{"product": "kms"},`, 80000) + `{}]}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {tt.contentType}}, strings.NewReader(tt.body))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body.String()[:min(200, w.Body.Len())])
			}
			var body struct {
				Errors []struct{ Field, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || len(body.Errors) == 0 {
				t.Fatalf("errors body %q: %v", w.Body.String(), err)
			}
			if body.Errors[0].Field != tt.field || body.Errors[0].Message == "" {
				t.Errorf("first error %+v, want field %q", body.Errors[0], tt.field)
			}
		})
	}
	// A term past every bound gets its billing's terms, not the field's bound of 36,
	// which a monthly term would read as allowed.
	_, m, _ := postJSON(s, `{"items": [{"product": "ssm", "region": "ap-tokyo", "credentials": 1, "billing": "monthly", "term_months": 40}]}`)
	if got := fmt.Sprint(m["errors"]); !strings.Contains(got, "a monthly term is 1 to 11 months") || strings.Contains(got, "36") {
		t.Errorf("monthly term of 40: %s", got)
	}
	// A body of the wrong kind is named and worded for people.
	for body, want := range map[string]string{
		`[]`:            "the request must be an object, not a list",
		`"x"`:           "the request must be an object, not a string",
		`{"items":[1]}`: "each item in items must be an object, not a number",
		`{"items":{}}`:  "items must be a list, not an object",
	} {
		if _, m, _ := postJSON(s, body); fmt.Sprint(m["errors"]) != "[map[field: message:"+want+"]]" {
			t.Errorf("%s: %v, want %q", body, m["errors"], want)
		}
	}
	// 422 lists every problem at once.
	_, m, _ = postJSON(s, tests[0].body)
	if n := len(m["errors"].([]any)); n != 2 {
		t.Errorf("want both items' problems, got %d", n)
	}
}

func TestPriceBookAPI(t *testing.T) {
	s, _ := newTestServer(t)
	w := get(s, "/api/v1/price-book")
	var b struct {
		Version string
		Regions []struct{ ID string }
		KMS     struct {
			CustomerKeyPerDay string `json:"customer_key_per_day"`
		}
	}
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &b) != nil {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if b.Version == "" || len(b.Regions) != 7 || b.KMS.CustomerKeyPerDay != "0.06" {
		t.Errorf("price book %+v", b)
	}
}

func TestAPIErrorsAreJSONEvenOutsideTheHandlers(t *testing.T) {
	s, _ := newTestServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/v1/quotes", http.StatusMethodNotAllowed},
		{http.MethodGet, "/api/v1/nothing", http.StatusNotFound},
	} {
		w := do(s, tc.method, tc.path, nil, nil)
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s = %d %s", tc.method, tc.path, w.Code, w.Header().Get("Content-Type"))
		}
	}
	big := strings.NewReader(strings.Repeat("x", 2<<20))
	w := do(s, http.MethodPost, "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, big)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("declared oversize body: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}
