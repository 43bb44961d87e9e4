package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// estimate is the SSM estimate the fragment and page scenarios show: the one the web
// benchmarks use.
const estimate = "region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1"

// quoteBody is the quote API request of the example (web/quote_api_test.go):
// one item of each product.
const quoteBody = `{"items": [
  {"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": 2500,
   "qps_units": 2, "billing": "annual", "term_months": 12},
  {"product": "kms", "region": "ap-guangzhou", "customer_keys": 10, "managed_keys": 2,
   "pending_deletion_keys": 1, "api_calls": 125000, "days": 30},
  {"product": "ssm_legacy", "region": "ap-beijing", "credentials": 100, "api_calls": 60000}
]}`

// The targets of the issue, as ratios to the bare handler in the same run.
const p99Target = 20 * time.Millisecond

// readScenario is a request the load repeats, or one a new request each time: no
// session, nothing written.
type readScenario struct {
	name   string
	target Target
	method string
	path   string
	body   string // JSON, for a POST
	expect string // the uncompressed answer contains this (checked once, before the load)
	// vary, when set, makes the nth request of the scenario (over all its workers)
	// from path and body, so that no two ask for the same answer: the console's
	// answer cache (web/answer_cache.go) never has it, and keeps the new one.
	vary func(n int64, path, body string) (string, string)
	seq  *atomic.Int64
}

var bareScenario = readScenario{name: "bare chi \"ok\"", method: http.MethodGet, path: "/", expect: "ok"}

var readScenarios = []readScenario{
	// The console's middleware and logging around the smallest handler: the floor
	// under the three below. No target.
	{name: "console /healthz", method: http.MethodGet, path: "/healthz", expect: "ok"},
	{name: "quote API", target: Target{MinRatio: 0.5, MaxP99: p99Target},
		method: http.MethodPost, path: "/api/v1/quotes", body: quoteBody, expect: `"totals"`},
	{name: "live fragment", target: Target{MinRatio: 0.4, MaxP99: p99Target},
		method: http.MethodGet, path: "/ssm/quote?" + estimate, expect: "Secrets Manager"},
	{name: "estimator page", target: Target{MinRatio: 0.3, MaxP99: p99Target},
		method: http.MethodGet, path: "/ssm?" + estimate, expect: "</html>"},
	// The same three with another estimate in every request: the cost of a request
	// the console has not answered before.
	{name: "quote API, each new", target: Target{MinRatio: 0.5, MaxP99: p99Target},
		method: http.MethodPost, path: "/api/v1/quotes", body: quoteBody, expect: `"totals"`,
		vary: newCalls, seq: new(atomic.Int64)},
	{name: "live fragment, each new", target: Target{MinRatio: 0.4, MaxP99: p99Target},
		method: http.MethodGet, path: "/ssm/quote?" + estimate, expect: "Secrets Manager",
		vary: newCredentials, seq: new(atomic.Int64)},
	{name: "estimator page, each new", target: Target{MinRatio: 0.3, MaxP99: p99Target},
		method: http.MethodGet, path: "/ssm?" + estimate, expect: "</html>",
		vary: newCredentials, seq: new(atomic.Int64)},
}

// newCalls asks for 125,000 + n KMS API calls in the quote API's request.
func newCalls(n int64, path, body string) (string, string) {
	return path, strings.Replace(body, `"api_calls": 125000`, `"api_calls": `+strconv.FormatInt(125000+n, 10), 1)
}

// newCredentials asks for another credential count and, every 900,000 requests,
// another number of QPS units (both within the console's bounds for a good while).
func newCredentials(n int64, path, body string) (string, string) {
	credentials := strconv.FormatInt(1000+n%900_000, 10)
	units := strconv.FormatInt(1+n/900_000, 10)
	path = strings.Replace(path, "credentials=2500&qps_units=2", "credentials="+credentials+"&qps_units="+units, 1)
	return path, body
}

// ordersTarget: durable orders a second, on each database.
var ordersTarget = Target{MinRPS: 1000}

func (sc readScenario) request(ctx context.Context, base string) (*http.Request, error) {
	path, text := sc.path, sc.body
	if sc.vary != nil {
		path, text = sc.vary(sc.seq.Add(1), path, text)
	}
	var body io.Reader
	if text != "" {
		body = strings.NewReader(text)
	}
	req, err := http.NewRequestWithContext(ctx, sc.method, base+path, body)
	if err != nil {
		return nil, err
	}
	if text != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// worker sends the request again and again, accepting gzip as a browser does.
func (sc readScenario) worker(c *http.Client, base string) func(int) doFunc {
	return func(int) doFunc {
		return func(ctx context.Context) error {
			req, err := sc.request(ctx, base)
			if err != nil {
				return err
			}
			req.Header.Set("Accept-Encoding", "gzip")
			return send(c, req, nil)
		}
	}
}

// check sends the request once, uncompressed, and looks at the answer: a scenario that
// measures error pages would measure nothing.
func (sc readScenario) check(ctx context.Context, c *http.Client, base string) error {
	req, err := sc.request(ctx, base)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", sc.name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", sc.name, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), sc.expect) {
		return fmt.Errorf("%s: %s %s answered %d without %q", sc.name, sc.method, sc.path, resp.StatusCode, sc.expect)
	}
	return nil
}

// soakEstimates: in the soak, each "each new" scenario asks for one of this many
// estimates at random, so that most are asked for again within seconds, as visitors
// ask again for what others typed before. Their answers (about 20 MB of them, gzipped)
// overflow the console's answer cache: it fills to its bound and turns over while
// the soak watches the resident memory.
const soakEstimates = 2_000

// readWorkers are the workers of the read scenarios against the console, for the soak.
func readWorkers(p *process, tr http.RoundTripper) []func(int) doFunc {
	c := newClient(tr, nil)
	var ws []func(int) doFunc
	for _, sc := range readScenarios {
		if vary := sc.vary; vary != nil {
			sc.vary = func(_ int64, path, body string) (string, string) {
				return vary(rand.Int64N(soakEstimates), path, body)
			}
		}
		ws = append(ws, sc.worker(c, p.URL))
	}
	return ws
}
