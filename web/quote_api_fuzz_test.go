package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzQuoteAPI posts any body with any Content-Type to POST /api/v1/quotes: the
// answer is 200 with a quote, or 400, 413, 415 or 422 with a list of errors; always
// JSON, never a 5xx.
func FuzzQuoteAPI(f *testing.F) {
	const appJSON = "application/json"
	for _, seed := range []struct{ contentType, body string }{
		{appJSON, issueExample},
		{appJSON, `{"items": [{"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": 2500, "qps_units": 2, "billing": "annual", "term_months": 12}]}`},
		{appJSON, `{"items": [{"product": "ssm", "region": "ap-beijing", "credentials": 1, "billing": "monthly", "term_months": 11}]}`},
		{appJSON, `{"items": [{"product": "kms", "region": "ap-guangzhou", "customer_keys": 201, "api_calls": 9223372036854775807, "days": 31}]}`},
		{appJSON, `{"items": [{"product": "ssm_legacy", "region": "ap-beijing", "credentials": 1001, "api_calls": 1e6}]}`},
		{"application/json; charset=utf-8", `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 2.5, "days": -1}]}`},
		{appJSON, `{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 1e400}]}`},
		{appJSON, `{"items": [{"product": "ssm", "credentials": "12", "billing": 1, "edition": null}]}`},
		{appJSON, `{"items": [{"product": "k\u006ds", "region": "ap-t\u00f6ky\u00f6", "customer_keys": 1}]}`},
		{appJSON, `{"items": [{"product": "kms"}, {"product": "kms"}, {"product": "kms"}]}`},
		{appJSON, `{"items": [{"product": "kms", "product": "ssm", "region": "ap-tokyo"}]}`},
		{appJSON, `{"items": [], "discount": 50}`},
		{appJSON, `{"items": null}`},
		{appJSON, `{"items": [` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `]}`},
		{appJSON, `{"items": [{"product": "kms", "region": "ap-tokyo"}]} {"items": []}`},
		{appJSON, "\xef\xbb\xbf{\"items\": []}"},
		{appJSON, `{"items": [{"product": "\xff\xfe", "region": "<script>alert(1)</script>"}]}`},
		{appJSON, ``},
		{appJSON, `null`},
		{"application/json; charset=", `{"items": []}`},
		{"Application/JSON", `{"items": []}`},
		{"text/plain", `{"items": []}`},
		{"", `{"items": []}`},
		{"application/x-www-form-urlencoded", `items.0.product=kms`},
	} {
		f.Add(seed.contentType, []byte(seed.body))
	}
	s, logs := fuzzServerOn(f, fuzzStore(f))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/quotes", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		w := fuzzServe(s, logs, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge,
			http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d\nlog: %s\nbody: %.500s", w.Code, logs, w.Body.String())
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("status %d with Content-Type %q", w.Code, ct)
		}
		if w.Code == http.StatusOK {
			var q struct {
				Currency string
				Items    []json.RawMessage
				Totals   struct{ Monthly, Upfront string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &q); err != nil || q.Currency == "" || len(q.Items) == 0 ||
				q.Totals.Monthly == "" || strings.HasPrefix(q.Totals.Monthly, "-") || strings.HasPrefix(q.Totals.Upfront, "-") {
				t.Fatalf("200 without a sound quote (%v): %.500s", err, w.Body.String())
			}
			return
		}
		var e struct {
			Errors []struct{ Field, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || len(e.Errors) == 0 || e.Errors[0].Message == "" {
			t.Fatalf("status %d without a list of errors (%v): %.500s", w.Code, err, w.Body.String())
		}
	})
}
