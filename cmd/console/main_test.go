package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kmsconsole/pricing"
	"kmsconsole/store/storetest"
)

// output collects what run writes to stdout; safe for the server's goroutines.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// logLine returns the first JSON log line with message msg, waiting for it.
func (o *output) logLine(t *testing.T, msg string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(o.String()))
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
				return line
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %q log line in:\n%s", msg, o.String())
	return nil
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startRun runs the program on a free port and returns its base URL and the channel
// that receives run's result.
func startRun(t *testing.T, ctx context.Context, args []string, getenv func(string) string) (string, *output, <-chan error) {
	t.Helper()
	out := &output{}
	done := make(chan error, 1)
	// Never the default metrics port: tests run consoles side by side.
	args = append([]string{"-metrics-addr", "127.0.0.1:0"}, args...)
	go func() { done <- run(ctx, args, getenv, out) }()
	addr, _ := out.logLine(t, "console listening")["addr"].(string)
	base := "http://" + addr
	waitHealthy(t, base)
	return base, out, done
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && string(body) == "ok" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s/healthz never answered ok", base)
}

func TestRunServesUntilTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), "nested", "data")
	base, out, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", dataDir}, env(nil))

	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / = %d", resp.StatusCode)
	}
	if fi, err := os.Stat(dataDir); err != nil || !fi.IsDir() {
		t.Errorf("data directory not created: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after the context ended")
	}
	out.logLine(t, "console stopped")
}

// writeBook writes the embedded price book, changed by the replacer, to a file.
func writeBook(t *testing.T, r *strings.Replacer) string {
	t.Helper()
	data, err := json.Marshal(mustEmbeddedBook(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(path, []byte(r.Replace(string(data))), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustEmbeddedBook(t *testing.T) *pricing.Book {
	t.Helper()
	b, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBadPriceBookFileStopsTheStartNamingTheField(t *testing.T) {
	path := writeBook(t, strings.NewReplacer(`"customer_key_per_day":"0.06"`, `"customer_key_per_day":"-1"`))
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-price-book", path},
		env(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "kms.customer_key_per_day") {
		t.Fatalf("run = %v, want a refusal naming kms.customer_key_per_day", err)
	}
}

func TestStartupLogSaysWhatWasChosen(t *testing.T) {
	book := writeBook(t, strings.NewReplacer(`"version":"2025-03-26.1"`, `"version":"2099-01-01.1"`))
	tests := []struct {
		name      string
		env       func(t *testing.T) map[string]string
		store     string
		priceBook string
	}{
		{"defaults", func(*testing.T) map[string]string { return nil }, "sqlite", "embedded"},
		{"postgres and a price book file", func(t *testing.T) map[string]string {
			return map[string]string{"DATABASE_URL": storetest.PostgresURL(t), "PRICE_BOOK": book}
		}, "postgres", book},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dataDir := t.TempDir()
			vars := tt.env(t)
			_, out, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", dataDir}, env(vars))
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}

			line := out.logLine(t, "console listening")
			if line["store"] != tt.store || line["price_book"] != tt.priceBook ||
				line["data_dir"] != dataDir || line["log_level"] != "INFO" {
				t.Errorf("startup line = %v", line)
			}
			if u := vars["DATABASE_URL"]; u != "" && strings.Contains(out.String(), u) {
				t.Error("the database URL (and any password in it) is in the log")
			}
		})
	}
}

func TestRunRefusesABadLogLevel(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"flag": {[]string{"-log-level", "loud"}, nil},
		"env":  {nil, map[string]string{"LOG_LEVEL": "loud"}},
	} {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, tc.args...)
			err := run(context.Background(), args, env(tc.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), "log level") && !strings.Contains(err.Error(), "log-level") {
				t.Fatalf("run = %v, want a log level error", err)
			}
		})
	}
}
