package web

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kmsconsole/store/storetest"
)

// TestUnstorableTextIsRefusedBeforeAnyHandler: NUL and bytes that are not UTF-8, in
// the path, the query or a form, are answered 400 with a page (JSON on the API), on SQLite as on
// PostgreSQL (where such text used to fail in the database with a 500).
func TestUnstorableTextIsRefusedBeforeAnyHandler(t *testing.T) {
	for name, dbURL := range map[string]func(t *testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			book, st := newTestStore(t, log, dbURL(t))
			srv := newServerWith(t, log, book, st)

			form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}}
			for _, tc := range []struct {
				method, target string
				form           url.Values
			}{
				{"GET", "/orders/ord_a%00b", nil},
				{"GET", "/ssm?region=ap-tokyo%00", nil},
				{"GET", "/kms/quote?region=%FF%FE", nil},
				// A pair that does not parse is dropped by r.URL.Query(), and the
				// others still reach the handler: they are checked all the same.
				{"GET", "/ssm?note=%00&bad=%zz", nil},
				{"GET", "/ssm?a;b=1&note=%00", nil},
				{"POST", "/signin", url.Values{"email": {"a\x00b@example.com"}, "password": {"x"}}},
				{"POST", "/signin", url.Values{"email": {"a\xffb@example.com"}, "password": {"x"}}},
				{"POST", "/orders", url.Values{"product": {"ssm"}, "contact_name": {"Ann\x00"}}},
			} {
				var w interface {
					Result() *http.Response
				}
				if tc.method == http.MethodGet {
					w = get(srv, tc.target)
				} else {
					w = do(srv, tc.method, tc.target, form, strings.NewReader(tc.form.Encode()))
				}
				resp := w.Result()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<html") {
					t.Errorf("%s %s: %d, want 400 with a page", tc.method, tc.target, resp.StatusCode)
				}
			}
			// On the API the answer is JSON, as every other API error is: a form body
			// there used to get the HTML page (found by FuzzQuoteAPI).
			for _, tc := range []struct {
				method, target, body string
			}{
				{"POST", "/api/v1/quotes", "\xa4"},
				{"POST", "/api/v1/quotes", "items=%00"},
				{"POST", "/api/v1/quotes?x=%00", "{}"},
				{"GET", "/api/v1/price-book?region=%FF", ""},
			} {
				w := do(srv, tc.method, tc.target, form, strings.NewReader(tc.body))
				if w.Code != http.StatusBadRequest {
					t.Errorf("%s %s: %d, want 400", tc.method, tc.target, w.Code)
					continue
				}
				apiErrors(t, w.Code, w.Header(), w.Body.Bytes())
			}
			// Ordinary text, unicode included, passes; a form over the size limit is
			// still answered 413 by its handler.
			if code := get(srv, "/ssm?region=ap-tokyo&note=%E4%BD%A0%E5%A5%BD").Code; code != http.StatusOK {
				t.Errorf("a query of valid UTF-8: %d", code)
			}
			big := "email=" + strings.Repeat("a", DefaultMaxBodyBytes+10)
			r := do(srv, http.MethodPost, "/signin", form, io.MultiReader(strings.NewReader(big))) // no Content-Length
			if r.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("an oversized form: %d, want 413", r.Code)
			}
		})
	}
}

// storableValues refuses exactly the strings whose pairs, as url.ParseQuery keeps
// them (dropping those that do not parse), hold unstorable text.
func TestStorableValuesReadsPairsAsParseQueryDoes(t *testing.T) {
	parts := []string{"a", "b", "=", "&", ";", "%", "%00", "%ff", "%zz", "%4", "+", "\x00", "\xff", "%E4%BD%A0", "é"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		var sb strings.Builder
		for range r.IntN(12) {
			sb.WriteString(parts[r.IntN(len(parts))])
		}
		s := sb.String()
		values, _ := url.ParseQuery(s)
		want := true
		for k, vs := range values {
			want = want && storable(k)
			for _, v := range vs {
				want = want && storable(v)
			}
		}
		if got := storableValues(s); got != want {
			t.Fatalf("storableValues(%q) = %v; ParseQuery keeps %q", s, got, values)
		}
	}
}
