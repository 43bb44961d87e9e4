// Package metrics is what the console tells Prometheus: requests by route and status
// class, the answer cache's hits and misses, quotes computed, orders placed and refused
// by product, the database pools, and which build and price book are running.
//
// Every series is registered on a registry the caller builds and passes in (never the
// package-global one), so that two consoles in one test process never share counts,
// and each label takes a bounded set of values: route patterns, not paths.
package metrics

import (
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Build is what the build-info gauge reports.
type Build struct {
	Version string
	Commit  string
	// PriceBook returns the version of the price book in force, read at every scrape
	// so that a reload shows at once.
	PriceBook func() string
}

// Metrics records the console's events. A nil *Metrics records nothing, so that
// handlers built without metrics (in tests) need no stand-in.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	quotes   *prometheus.CounterVec
	orders   *prometheus.CounterVec
	failures *prometheus.CounterVec
	answers  *prometheus.CounterVec
}

// New registers the console's series, and the Go runtime's and the process's, on reg.
func New(reg *prometheus.Registry, b Build) *Metrics {
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "console_http_requests_total",
			Help: "HTTP requests answered, by method, chi route pattern (\"unmatched\" when no route matched) and status class (2xx, 3xx, 4xx, 5xx).",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "console_http_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by method, chi route pattern and status class.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "code"}),
		quotes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "console_quotes_computed_total",
			Help: "Quotes priced (an answer served from the answer cache prices none), by where they were asked for (api, estimator, builder, purchase, share) and whether the request was valid (ok, invalid).",
		}, []string{"source", "result"}),
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "console_orders_placed_total",
			Help: "Orders recorded, by product: ssm, kms, or share for an order from a rep's shared quote (which may hold both). A retried form that finds its order already placed is not counted again.",
		}, []string{"product"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "console_order_failures_total",
			Help: "Order placements that did not record an order, by product and reason: invalid (the form needs the buyer's attention), conflict (the form was used by another browser), unavailable (the database did not answer), error (anything else).",
		}, []string{"product", "reason"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "console_answer_cache_total",
			Help: "Requests the answer cache could serve (the estimators and the quote API), by result: hit (served from the cache; no quote was computed for it), miss (made, and kept when it can be).",
		}, []string{"result"}),
	}
	reg.MustRegister(m.requests, m.latency, m.quotes, m.orders, m.failures, m.answers,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo{b: b, desc: prometheus.NewDesc("console_build_info",
			"Always 1; its labels name the running build and the price book in force.",
			[]string{"version", "commit", "go_version", "price_book"}, nil)},
	)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one answered request. route is the chi pattern, "" when no route
// matched.
func (m *Metrics) Request(method, route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.count(method, route, statusClass(status), took)
}

// RequestAborted records a request whose answer was cut off (the connection dropped
// after a handler failed half way) under code "aborted", whatever status had been
// set: the client got no whole answer, so it is no success.
func (m *Metrics) RequestAborted(method, route string, took time.Duration) {
	if m == nil {
		return
	}
	m.count(method, route, "aborted", took)
}

func (m *Metrics) count(method, route, code string, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	// Label values in the order the vectors declare them: no map to build per request.
	method = boundedMethod(method)
	m.requests.WithLabelValues(method, route, code).Inc()
	m.latency.WithLabelValues(method, route, code).Observe(took.Seconds())
}

// QuoteComputed records a quote priced for source; ok is false when the request was
// refused with field errors.
func (m *Metrics) QuoteComputed(source string, ok bool) {
	if m == nil {
		return
	}
	result := "ok"
	if !ok {
		result = "invalid"
	}
	m.quotes.WithLabelValues(source, result).Inc()
}

// AnswerCache records a request the answer cache served (hit) or passed on (miss).
func (m *Metrics) AnswerCache(hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.answers.WithLabelValues(result).Inc()
}

// OrderPlaced records an order recorded for product.
func (m *Metrics) OrderPlaced(product string) {
	if m == nil {
		return
	}
	m.orders.WithLabelValues(product).Inc()
}

// OrderFailed records a placement of product that recorded nothing, for reason.
func (m *Metrics) OrderFailed(product, reason string) {
	if m == nil {
		return
	}
	m.failures.WithLabelValues(product, reason).Inc()
}

// statusClass is "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}[status/100-1]
}

// boundedMethod keeps the method label to the methods HTTP defines: a client can send
// any token as a method, and each would otherwise make new series.
func boundedMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// buildInfo reads the price book in force at each scrape, so its label follows
// reloads without a series left behind for the old book.
type buildInfo struct {
	b    Build
	desc *prometheus.Desc
}

func (c buildInfo) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c buildInfo) Collect(ch chan<- prometheus.Metric) {
	book := ""
	if c.b.PriceBook != nil {
		book = c.b.PriceBook()
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, 1,
		c.b.Version, c.b.Commit, runtime.Version(), book)
}
