package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alexedwards/scs/v2"

	"kmsconsole/handlers"
	"kmsconsole/pricing"
	"kmsconsole/static"
	"kmsconsole/store"
)

// logBuffer collects JSON log lines; safe for concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes every log line.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// newTestServer builds the server as main does, with the embedded assets.
func newTestServer(t testing.TB) (*Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	book, st := newTestStore(t, log, "")
	return newServerWith(t, log, book, st), logs
}

// newTestStore opens a store in a temporary directory (SQLite, or PostgreSQL with a
// database URL), closed when the test ends, and returns it with the embedded book.
func newTestStore(t testing.TB, log *slog.Logger, databaseURL string) (*pricing.Book, store.Store) {
	t.Helper()
	book, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), t.TempDir(), databaseURL, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return book, st
}

// newServerWith builds the server on the given order store, as main does.
func newServerWith(t testing.TB, log *slog.Logger, book *pricing.Book, st interface {
	handlers.Orders
	handlers.Reps
	handlers.Quotes
	handlers.Pinger
	handlers.Throttle
	SessionStore() scs.Store
}, options ...func(*handlers.Deps)) *Server {
	t.Helper()
	assets, err := static.Load(static.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	deps := handlers.Deps{Logger: log, Assets: assets, Book: book, Orders: st, Reps: st, Quotes: st, DB: st, Throttle: st}
	for _, option := range options {
		option(&deps)
	}
	var h *handlers.Handlers
	sessions := NewSessions(st.SessionStore(), SessionOptions{Log: log}, func(w http.ResponseWriter, r *http.Request, err error) {
		h.SessionError(w, r, err)
	})
	deps.Sessions = sessions
	h = handlers.New(deps)
	return NewServer(Deps{Logger: log, Handlers: h, Assets: assets, Sessions: sessions})
}

// do sends one request to h and returns the recorded response.
func do(h http.Handler, method, target string, header http.Header, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func get(h http.Handler, target string) *httptest.ResponseRecorder {
	return do(h, http.MethodGet, target, nil, nil)
}

func assertSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := h.Get(k); got != v && (k != "Referrer-Policy" || got != "no-referrer") { // or stricter
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if h.Get("Permissions-Policy") == "" {
		t.Error("no Permissions-Policy")
	}
	if h.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
}
