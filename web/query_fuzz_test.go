package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// fuzzQueryPages are the pages that read their inputs from the query string.
var fuzzQueryPages = []string{"/ssm/quote", "/kms/quote", "/ssm", "/kms", "/purchase/ssm", "/purchase/kms"}

// FuzzEstimatorQuery sends any raw query string to the estimators, their live quote
// fragments and the review pages (which of them: page modulo their number). A query
// gets a page, with a message where an input is wrong, never a 5xx, and nothing of it
// shows as markup (fuzzCheckHTML).
func FuzzEstimatorQuery(f *testing.F) {
	for i, q := range []string{
		"region=ap-tokyo&edition=enterprise&credentials=2500&qps_units=2&billing=annual&term=1",
		"region=ap-beijing&credentials=100&compare=1&api_calls=20&api_calls_unit=credential-day",
		"region=ap-tokyo&customer_keys=10&managed_keys=2&pending_deletion_keys=1&api_calls=125000&days=30",
		"region=ap-beijing&needs=1&needs_secrets=2300&needs_qps=1800&billing=monthly&term=1",
		"api_calls=1&api_calls_unit=second&customer_keys=0",
		"api_calls=1000000&api_calls_unit=second",
		"region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1&again=1",
		"region=ap-tokyo&customer_keys=201&api_calls=9223372036854775807&days=31",
	} {
		f.Add(uint8(i), q)
	}
	for i, q := range []string{
		"",
		"region=&credentials=&billing=",
		"credentials=-1&qps_units=1.5&term=0&billing=weekly",
		"credentials=1e9&term=99999999999999999999&days=%2B30",
		"needs=1&needs_secrets=0&needs_qps=abc",
		"region=%3Cscript%3Ealert(1)%3C%2Fscript%3E&edition=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
		"region=ap-tokyo&region=ap-beijing&credentials=1&credentials=2",
		"%zz=1&credentials=%ZZ&;a=b&&=&a",
		"api_calls_unit=javascript:alert(1)&api_calls=1",
		"region=ap-t%C3%B6ky%C3%B6&credentials=%EF%BC%91%EF%BC%92&term=%00",
		"credentials=\xff\xfe&region=\x00",
	} {
		f.Add(uint8(i), q)
	}
	s, logs := fuzzServerOn(f, fuzzStore(f))
	f.Fuzz(func(t *testing.T, page uint8, query string) {
		path := fuzzQueryPages[int(page)%len(fuzzQueryPages)]
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.URL.RawQuery = query
		r.RequestURI = path + "?" + query
		w := fuzzServe(s, logs, r)
		fuzzCheck(t, w, logs)
		switch {
		case w.Code == http.StatusBadRequest:
			if storableValues(query) {
				t.Fatalf("%s?%s: 400 for a query of storable text", path, query)
			}
		case w.Code != http.StatusOK && w.Code != http.StatusUnprocessableEntity:
			t.Fatalf("%s?%s: status %d, want a page (200, or 422 for an estimate that cannot be ordered; 400 for text with NUL or non-UTF-8 bytes)", path, query, w.Code)
		}
	})
}
