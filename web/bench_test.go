package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
)

// The handler benchmarks run the real router and middleware in-process (no network),
// so that `make bench` can compare them with benchstat from one change to the next.

// benchServer is the server with a real SQLite store and a discarding logger (a
// logger that keeps its lines would grow through the run).
func benchServer(b *testing.B) http.Handler {
	b.Helper()
	st, err := store.Open(context.Background(), b.TempDir(), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	book, err := pricing.EmbeddedBook()
	if err != nil {
		b.Fatal(err)
	}
	return newServerWith(b, slog.New(slog.DiscardHandler), book, st)
}

func benchGet(b *testing.B, target string) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", target, w.Code)
		}
	}
}

func BenchmarkQuoteAPI(b *testing.B) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/quotes", strings.NewReader(issueExample))
		r.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d", w.Code)
		}
	}
}

func BenchmarkSSMFragment(b *testing.B) {
	benchGet(b, "/ssm/quote?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1")
}

func BenchmarkSSMEstimatorPage(b *testing.B) {
	benchGet(b, "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1")
}

func BenchmarkKMSFragment(b *testing.B) {
	benchGet(b, "/kms/quote?region=ap-tokyo&customer_keys=10&api_calls=125000")
}

// BenchmarkGzipped asks for the answers above as browsers do, with Accept-Encoding:
// gzip: compressing them is a large share of their cost (docs/performance.md).
func BenchmarkGzipped(b *testing.B) {
	const ssm = "region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1"
	for _, bc := range []struct{ name, method, target, body string }{
		{"QuoteAPI", http.MethodPost, "/api/v1/quotes", issueExample},
		{"SSMFragment", http.MethodGet, "/ssm/quote?" + ssm, ""},
		{"SSMEstimatorPage", http.MethodGet, "/ssm?" + ssm, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchServer(b)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest(bc.method, bc.target, strings.NewReader(bc.body))
				r.Header.Set("Accept-Encoding", "gzip")
				if bc.body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
					b.Fatalf("%s: %d, Content-Encoding %q", bc.target, w.Code, w.Header().Get("Content-Encoding"))
				}
			}
		})
	}
}

// BenchmarkPlaceOrder reviews and places one durable SQLite order per iteration,
// over loopback HTTP with a session, as a buyer does.
func BenchmarkPlaceOrder(b *testing.B) {
	srv := httptest.NewServer(benchServer(b))
	defer srv.Close()
	c := testserver.NewClient(b, srv.URL)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PlaceOrder(c.ReviewForm("kms?region=ap-tokyo&customer_keys=10&again=1")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnswerCache asks for the gzipped answers above from a console with the
// answer cache (8 MiB, the console's default): "Hit", the same request again, served
// from the cache; "New", another estimate every time, priced, rendered, gzipped and
// noted by the cache; "NewUncached", the same without the cache, to compare "New"
// with (docs/performance.md).
func BenchmarkAnswerCache(b *testing.B) {
	const ssm = "region=ap-tokyo&credentials=%d&qps_units=2&billing=annual&term=1"
	for _, bc := range []struct{ name, method, target, body string }{
		{"QuoteAPI", http.MethodPost, "/api/v1/quotes", strings.Replace(issueExample, "125000", "%d", 1)},
		{"SSMFragment", http.MethodGet, "/ssm/quote?" + ssm, ""},
		{"SSMEstimatorPage", http.MethodGet, "/ssm?" + ssm, ""},
	} {
		if !strings.Contains(bc.target+bc.body, "%d") {
			b.Fatalf("%s: nothing to vary", bc.name)
		}
		for _, mode := range []string{"Hit", "New", "NewUncached"} {
			b.Run(bc.name+"/"+mode, func(b *testing.B) {
				s := benchServer(b).(*Server)
				if mode != "NewUncached" {
					s.answers = newAnswerCache(8 << 20)
					s.router = s.routes()
				}
				n := 2500
				b.ReportAllocs()
				for b.Loop() {
					if mode != "Hit" {
						n++
					}
					target, body := bc.target, bc.body
					if body != "" {
						body = fmt.Sprintf(body, n)
					} else {
						target = fmt.Sprintf(target, n)
					}
					w := httptest.NewRecorder()
					r := httptest.NewRequest(bc.method, target, strings.NewReader(body))
					r.Header.Set("Accept-Encoding", "gzip")
					if body != "" {
						r.Header.Set("Content-Type", "application/json")
					}
					s.ServeHTTP(w, r)
					if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
						b.Fatalf("%s: %d, Content-Encoding %q", target, w.Code, w.Header().Get("Content-Encoding"))
					}
				}
			})
		}
	}
}
