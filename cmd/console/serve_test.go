package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestStopLetsAnInFlightRequestFinish(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	var handlerDone atomic.Bool
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "finished")
		handlerDone.Store(true)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		err := serve(ctx, slog.New(slog.DiscardHandler), ln, slow, 0, nil)
		if !handlerDone.Load() {
			t.Error("serve returned while the request was still in its handler")
		}
		served <- err
	}()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(body), err}
	}()

	<-started
	cancel() // the stop begins while the request is in the handler

	if r := <-got; r.err != nil || r.status != http.StatusOK || r.body != "finished" {
		t.Fatalf("in-flight request: %d %q %v; want 200 finished", r.status, r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the request finished")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after the stop")
	}
}

// TestDrainKeepsServingAfterTheStopIsAsked: with a drain period, the server keeps
// answering (while readiness, through drain, turns 503) before it stops.
func TestDrainKeepsServingAfterTheStopIsAsked(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan struct{})
	done := make(chan error, 1)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	go func() {
		done <- serve(ctx, slog.New(slog.DiscardHandler), ln, ok, 700*time.Millisecond, func() { close(drained) })
	}()
	url := "http://" + ln.Addr().String() + "/"
	cancel()
	<-drained
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("during the drain the server must still answer: %v", err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("after the drain the server is stopped")
	}
}
