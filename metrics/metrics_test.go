package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"kmsconsole/store"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestRequestsAreCountedByPatternMethodAndStatusClass(t *testing.T) {
	m := New(prometheus.NewRegistry(), Build{})
	m.Request("GET", "/orders/{id}", 200, 3*time.Millisecond)
	m.Request("GET", "/orders/{id}", 204, time.Millisecond)
	m.Request("GET", "/orders/{id}", 404, time.Millisecond)
	m.Request("BREW", "", 418, time.Millisecond)
	m.RequestAborted("GET", "/orders/{id}", time.Millisecond)

	if got := testutil.ToFloat64(m.requests.WithLabelValues("GET", "/orders/{id}", "2xx")); got != 2 {
		t.Errorf("2xx count = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("other", "unmatched", "4xx")); got != 1 {
		t.Errorf("an unknown method on no route = %v, want 1 under other/unmatched", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("GET", "/orders/{id}", "aborted")); got != 1 {
		t.Errorf("aborted count = %v, want 1, apart from the answered ones", got)
	}
	// Four label sets, whatever the paths: the series stay bounded.
	if n := testutil.CollectAndCount(m.requests); n != 4 {
		t.Errorf("%d request series, want 4", n)
	}
	text := scrape(t, m)
	for _, want := range []string{
		`console_http_request_duration_seconds_bucket{code="2xx",method="GET",route="/orders/{id}",le="0.005"} 2`,
		`console_http_request_duration_seconds_count{code="4xx",method="GET",route="/orders/{id}"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func TestQuotesAndOrdersAreCounted(t *testing.T) {
	m := New(prometheus.NewRegistry(), Build{})
	m.QuoteComputed("api", true)
	m.QuoteComputed("api", false)
	m.QuoteComputed("api", true)
	m.OrderPlaced("ssm")
	m.OrderFailed("kms", "unavailable")
	for _, c := range []struct {
		c    prometheus.Collector
		want float64
	}{
		{m.quotes.WithLabelValues("api", "ok"), 2},
		{m.quotes.WithLabelValues("api", "invalid"), 1},
		{m.orders.WithLabelValues("ssm"), 1},
		{m.failures.WithLabelValues("kms", "unavailable"), 1},
	} {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%v = %v, want %v", c.c, got, c.want)
		}
	}
}

func TestANilMetricsRecordsNothingAndDoesNotPanic(t *testing.T) {
	var m *Metrics
	m.Request("GET", "/", 200, time.Millisecond)
	m.QuoteComputed("api", true)
	m.OrderPlaced("kms")
	m.OrderFailed("kms", "invalid")
}

func TestBuildInfoFollowsThePriceBookInForce(t *testing.T) {
	book := "2025-03-26.1"
	m := New(prometheus.NewRegistry(), Build{Version: "v1.2.3", Commit: "abc", PriceBook: func() string { return book }})
	if text := scrape(t, m); !strings.Contains(text, `price_book="2025-03-26.1",version="v1.2.3"} 1`) {
		t.Errorf("build info missing:\n%s", grep(text, "console_build_info"))
	}
	book = "2026-01-01.1"
	text := scrape(t, m)
	if !strings.Contains(text, `price_book="2026-01-01.1"`) || strings.Contains(text, `price_book="2025-03-26.1"`) {
		t.Errorf("after a reload:\n%s", grep(text, "console_build_info"))
	}
}

func TestPoolFiguresAreReadAtEachScrape(t *testing.T) {
	m := New(prometheus.NewRegistry(), Build{})
	inUse := 1
	m.Pools(func() []store.PoolStats {
		return []store.PoolStats{{Pool: "writer", Max: 1, Open: 1, InUse: inUse, Waits: 7, WaitDuration: 1500 * time.Millisecond}}
	})
	text := scrape(t, m)
	for _, want := range []string{
		`console_db_connections_max{pool="writer"} 1`,
		`console_db_connections_in_use{pool="writer"} 1`,
		`console_db_waits_total{pool="writer"} 7`,
		`console_db_wait_seconds_total{pool="writer"} 1.5`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	inUse = 0
	if text := scrape(t, m); !strings.Contains(text, `console_db_connections_in_use{pool="writer"} 0`) {
		t.Error("the in-use figure did not follow the pool")
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{200: "2xx", 299: "2xx", 303: "3xx", 422: "4xx", 503: "5xx", 0: "other", 600: "other"} {
		if got := statusClass(status); got != want {
			t.Errorf("statusClass(%d) = %q, want %q", status, got, want)
		}
	}
}

func grep(text, prefix string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
