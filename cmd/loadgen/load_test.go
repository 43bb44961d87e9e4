package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
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
