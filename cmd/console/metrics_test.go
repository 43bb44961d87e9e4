package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAreServedOnTheirOwnListenerAndMove runs the program, uses the public
// listener, and reads the figures from the metrics listener: never from the public one.
func TestMetricsAreServedOnTheirOwnListenerAndMove(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, out, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, env(nil))
	metricsAddr, _ := out.logLine(t, "console listening")["metrics_addr"].(string)
	if metricsAddr == "" || metricsAddr == "off" || "http://"+metricsAddr == base {
		t.Fatalf("metrics_addr = %q, want a listener of its own", metricsAddr)
	}

	get := func(url string) (int, string) {
		t.Helper()
		code, body := fetch(t, url)
		return code, string(body)
	}
	get(base + "/kms/quote?region=ap-guangzhou&customer_keys=3")
	get(base + "/kms/quote?region=ap-guangzhou&customer_keys=-1")
	get(base + "/orders/12345")
	get(base + "/no/such/page")
	resp, err := http.Post(base+"/api/v1/quotes", "application/json",
		strings.NewReader(`{"items":[{"product":"kms","region":"ap-guangzhou","customer_keys":2}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics = %d, want 404: metrics never go on the public listener", code)
	}
	code, text := get("http://" + metricsAddr + "/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics listener: %d", code)
	}
	for _, want := range []string{
		`console_http_requests_total{code="2xx",method="GET",route="/kms/quote"} 2`,
		`console_http_requests_total{code="4xx",method="GET",route="/orders/{id}"} 1`,
		`console_http_requests_total{code="4xx",method="GET",route="unmatched"} 2`, // /no/such/page and the public /metrics
		`console_http_request_duration_seconds_count{code="2xx",method="POST",route="/api/v1/quotes"} 1`,
		`console_quotes_computed_total{result="ok",source="estimator"} 1`,
		`console_quotes_computed_total{result="invalid",source="estimator"} 1`,
		`console_quotes_computed_total{result="ok",source="api"} 1`,
		`console_db_connections_max{pool="writer"} 1`,
		`console_db_connections_open{pool="reader"}`,
		`price_book="2025-03-26.1"`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s\n%s", want, grepLines(text, "console_http_requests_total"))
		}
	}
	if strings.Contains(text, "12345") || strings.Contains(text, "/no/such/page") {
		t.Error("a raw path became a label: the series would grow without bound")
	}
	if code, _ := get("http://" + metricsAddr + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("profiles without -pprof: %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestMetricsCanBeTurnedOff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, out, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-metrics-addr", ""}, env(nil))
	if got := out.logLine(t, "console listening")["metrics_addr"]; got != "off" {
		t.Errorf("metrics_addr = %v, want off", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestProfilesAreServedOnTheMetricsListenerOnlyWhenAsked: -pprof puts Go's profiles
// next to /metrics, for `go tool pprof` during a load run; never on the public
// listener, and without the command line (a -database-url flag holds a password).
func TestProfilesAreServedOnTheMetricsListenerOnlyWhenAsked(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, out, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-pprof"}, env(nil))
	private := "http://" + out.logLine(t, "console listening")["metrics_addr"].(string)
	get := func(url string) (int, []byte) { t.Helper(); return fetch(t, url) }
	if code, body := get(private + "/debug/pprof/"); code != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Errorf("profile index: %d %.200s", code, body)
	}
	if code, body := get(private + "/debug/pprof/heap?debug=1"); code != http.StatusOK || !strings.Contains(string(body), "heap profile") {
		t.Errorf("heap profile: %d %.200s", code, body)
	}
	// A real CPU profile: gzipped protocol buffers.
	if code, body := get(private + "/debug/pprof/profile?seconds=1"); code != http.StatusOK || len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Errorf("CPU profile: %d, %d bytes", code, len(body))
	}
	if code, _ := get(private + "/debug/pprof/cmdline"); code != http.StatusNotFound {
		t.Errorf("the command line is served: %d", code)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
		if code, _ := get(base + path); code != http.StatusNotFound {
			t.Errorf("public %s = %d, want 404: profiles never go on the public listener", path, code)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// fetch GETs url and returns the status and the whole body.
func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
