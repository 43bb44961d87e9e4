package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/pricing"
)

func TestRunLoadStopsByItselfAndCountsOnlyTheWindow(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if served.Add(1)%10 == 0 {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	tr := newTransport(4)
	defer tr.CloseIdleConnections()
	sc := readScenario{name: "t", method: http.MethodGet, path: "/"}

	start := time.Now()
	s, err := runLoad(context.Background(), "t", window{Conns: 4, Warmup: 100 * time.Millisecond, Duration: 300 * time.Millisecond},
		sc.worker(newClient(tr, nil), srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v for 0.4 s of load", took)
	}
	if s.Requests == 0 || s.Errors == 0 {
		t.Fatalf("want answers and errors (every tenth is a 500): %+v", s)
	}
	if total := int64(s.Requests + s.Errors); total >= served.Load() {
		t.Errorf("counted %d of %d requests: the warm-up's should not count", total, served.Load())
	}
	if s.FirstErr == "" || s.P50 <= 0 || s.P99 < s.P50 || s.Elapsed < 300*time.Millisecond {
		t.Errorf("summary %+v", s)
	}
}

func TestRunLoadEndsWhenTheWorkRunsOut(t *testing.T) {
	var left atomic.Int64
	left.Store(50)
	newWorker := func(int) doFunc {
		return func(context.Context) error {
			if left.Add(-1) < 0 {
				return errExhausted
			}
			time.Sleep(time.Millisecond)
			return nil
		}
	}
	s, err := runLoad(context.Background(), "t", window{Conns: 2, Duration: 10 * time.Second}, newWorker, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 50 || s.Elapsed > 5*time.Second || s.Note == "" {
		t.Errorf("want the 50 requests, a short window and a note: %+v", s)
	}
}

// TestEachNewScenariosAskForANewValidEstimateEveryTime: no two requests of a varied
// scenario are the same, and each is one the console prices (the price book
// embedded in the binary).
func TestEachNewScenariosAskForANewValidEstimateEveryTime(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range readScenarios {
		if sc.vary == nil {
			continue
		}
		for _, n := range []int64{1, 2, 899_999, 900_000, 900_001, 50_000_000} {
			path, body := sc.vary(n, sc.path, sc.body)
			if path+body == sc.path+sc.body || seen[sc.method+path+body] {
				t.Errorf("%s: request %d is not new: %s %s", sc.name, n, path, body)
			}
			seen[sc.method+path+body] = true
			if err := pricesWithoutProblems(path, body); err != nil {
				t.Errorf("%s: request %d: %v", sc.name, n, err)
			}
		}
	}
	if len(seen) != 3*6 {
		t.Errorf("%d requests, want 18 from 3 varied scenarios", len(seen))
	}
	if path, _ := newCredentials(50_000_000, "/ssm?"+estimate, ""); !strings.Contains(path, "credentials=501000&qps_units=56&") {
		t.Errorf("request 50,000,000: %s", path)
	}
	if _, body := newCalls(7, "", quoteBody); !strings.Contains(body, `"api_calls": 125007,`) {
		t.Errorf("request 7: %s", body)
	}
}

// pricesWithoutProblems prices a varied request's estimate: the quote API's body, or
// the SSM estimator's query.
func pricesWithoutProblems(path, body string) error {
	book, err := pricing.EmbeddedBook()
	if err != nil {
		return err
	}
	req, err := pricing.DecodeRequest(strings.NewReader(body))
	if body == "" {
		u, perr := url.Parse(path)
		if perr != nil {
			return perr
		}
		q := u.Query()
		credentials, _ := strconv.ParseInt(q.Get("credentials"), 10, 64)
		units, _ := strconv.ParseInt(q.Get("qps_units"), 10, 64)
		req, err = pricing.Request{Items: []pricing.Item{{Product: pricing.ProductSSM, Region: q.Get("region"),
			Credentials: credentials, QPSUnits: units, Billing: q.Get("billing"), TermMonths: 12}}}, nil
	}
	if err != nil {
		return err
	}
	_, err = pricing.Compute(book, req)
	return err
}

// TestTheConsoleIsMeasuredWithTheCacheAskedFor: the console runs with its own default
// unless -answer-cache says otherwise, whatever ANSWER_CACHE_MB the caller's shell has.
func TestTheConsoleIsMeasuredWithTheCacheAskedFor(t *testing.T) {
	none := func(string) string { return "" }
	if c, err := parseFlags([]string{"-quick"}, none, nil); err != nil || c.consoleFlags() != nil {
		t.Errorf("default: %v, %v", c.consoleFlags(), err)
	}
	if c, err := parseFlags([]string{"-quick", "-answer-cache", "0"}, none, nil); err != nil ||
		strings.Join(c.consoleFlags(), " ") != "-answer-cache 0" {
		t.Errorf("-answer-cache 0: %v, %v", c.consoleFlags(), err)
	}
	t.Setenv("ANSWER_CACHE_MB", "64")
	for _, kv := range consoleEnv() {
		if strings.HasPrefix(kv, "ANSWER_CACHE_MB=") {
			t.Errorf("the console's environment has %s", kv)
		}
	}
}
