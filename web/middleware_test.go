package web

import (
	"compress/gzip"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

// withTestRoutes puts extra handlers behind the server's own middleware chain, for
// behaviour no real route has yet (a panic, a request body).
func withTestRoutes(s *Server, routes func(r chi.Router)) http.Handler {
	r := chi.NewRouter()
	r.Use(s.middleware()...)
	routes(r)
	return r
}

func TestEveryResponseHasTheSecurityHeaders(t *testing.T) {
	s, _ := newTestServer(t)
	requests := []struct{ method, path string }{
		{"GET", "/"},
		{"HEAD", "/"},
		{"GET", "/healthz"},
		{"GET", "/nope"},
		{"POST", "/"},
		{"GET", s.assets.Path("css/app.css")},
		{"GET", s.assets.Path("js/app.js")},
	}
	for _, req := range requests {
		w := do(s, req.method, req.path, nil, nil)
		t.Run(req.method+" "+req.path, func(t *testing.T) { assertSecurityHeaders(t, w.Header()) })
	}
}

func TestResponsesAreGzippedWhenTheClientAccepts(t *testing.T) {
	s, _ := newTestServer(t)
	for _, path := range []string{"/", s.assets.Path("css/app.css"), s.assets.Path("js/app.js"), "/nope"} {
		w := do(s, http.MethodGet, path, http.Header{"Accept-Encoding": {"gzip"}}, nil)
		if got := w.Header().Get("Content-Encoding"); got != "gzip" {
			t.Errorf("%s: Content-Encoding = %q", path, got)
			continue
		}
		if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding", path)
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || len(body) == 0 {
			t.Errorf("%s: bad gzip body (%d bytes): %v", path, len(body), err)
		}
	}

	w := get(s, "/")
	if w.Header().Get("Content-Encoding") != "" || !strings.Contains(w.Body.String(), "<html") {
		t.Error("a client without Accept-Encoding got a compressed page")
	}
}

func TestPanicGetsTheFriendly500PageAndALoggedStack(t *testing.T) {
	s, logs := newTestServer(t)
	h := withTestRoutes(s, func(r chi.Router) {
		r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	})
	w := get(h, "/boom")

	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d", w.Code)
	}
	body := w.Body.String()
	for _, leak := range []string{"secret detail", "goroutine", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("500 page shows %q", leak)
		}
	}
	id := w.Header().Get("X-Request-Id")
	if !strings.Contains(body, "Something went wrong") || !strings.Contains(body, id) {
		t.Errorf("not the 500 page with request ID %s:\n%s", id, body)
	}
	assertSecurityHeaders(t, w.Header())

	var logged bool
	for _, l := range logs.lines(t) {
		if l["msg"] == "panic serving request" {
			logged = l["panic"] == "secret detail" && l["request_id"] == id &&
				strings.Contains(l["stack"].(string), "middleware_test.go")
		}
	}
	if !logged {
		t.Errorf("panic not logged with its stack and request ID: %v", logs.lines(t))
	}
}

// TestPanicOnTheAPIGetsAJSON500: an API client reads JSON whatever went wrong; the
// request ID is in the message, the panic is not.
func TestPanicOnTheAPIGetsAJSON500(t *testing.T) {
	s, _ := newTestServer(t)
	h := withTestRoutes(s, func(r chi.Router) {
		r.Post("/api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	})
	for _, enc := range []string{"", "gzip"} {
		w := do(h, http.MethodPost, "/api/v1/boom", http.Header{"Accept-Encoding": {enc}}, nil)
		body := w.Body.Bytes()
		if w.Header().Get("Content-Encoding") == "gzip" {
			body = []byte(gunzip(t, body))
		}
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("encoding %q: status %d", enc, w.Code)
		}
		errs := apiErrors(t, w.Code, w.Header(), body)
		if id := w.Header().Get("X-Request-Id"); !strings.Contains(errs[0].Message, id) || strings.Contains(string(body), "secret") {
			t.Errorf("encoding %q: %s, want the request ID %s and no detail", enc, body, id)
		}
	}
}

func TestBodyOverOneMiBIsRefusedWith413(t *testing.T) {
	s, _ := newTestServer(t)
	var handlerRan bool
	var readErr error
	h := withTestRoutes(s, func(r chi.Router) {
		r.Post("/upload", func(w http.ResponseWriter, r *http.Request) {
			handlerRan = true
			if _, readErr = io.ReadAll(r.Body); readErr != nil {
				s.h.TooLarge(w, r)
			}
		})
	})
	big := strings.Repeat("x", DefaultMaxBodyBytes+1)

	t.Run("declared length", func(t *testing.T) {
		handlerRan = false
		w := do(h, http.MethodPost, "/upload", nil, strings.NewReader(big))
		if w.Code != http.StatusRequestEntityTooLarge || handlerRan {
			t.Errorf("status = %d, handler ran = %v; want 413 before the handler", w.Code, handlerRan)
		}
		assertSecurityHeaders(t, w.Header())
	})
	t.Run("unknown length", func(t *testing.T) {
		w := do(h, http.MethodPost, "/upload", http.Header{"Transfer-Encoding": {"chunked"}},
			io.MultiReader(strings.NewReader(big))) // not a known-length reader
		var tooLarge *http.MaxBytesError
		if w.Code != http.StatusRequestEntityTooLarge || !errors.As(readErr, &tooLarge) {
			t.Errorf("status = %d, read error = %v; want 413 and *http.MaxBytesError", w.Code, readErr)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		w := do(h, http.MethodPost, "/upload", nil, strings.NewReader(big[1:]))
		if w.Code != http.StatusOK || readErr != nil {
			t.Errorf("status = %d, read error = %v; want 200", w.Code, readErr)
		}
	})
}

func TestRequestIDIsEchoedAndOnlyTrustedWhenItLooksLikeOne(t *testing.T) {
	s, _ := newTestServer(t)
	if id := get(s, "/healthz").Header().Get("X-Request-Id"); len(id) < 16 {
		t.Errorf("generated ID %q is too short to be unique", id)
	}
	w := do(s, "GET", "/healthz", http.Header{"X-Request-Id": {"lb-1234/abc"}}, nil)
	if got := w.Header().Get("X-Request-Id"); got != "lb-1234/abc" {
		t.Errorf("a proxy's ID was replaced: %q", got)
	}
	w = do(s, "GET", "/healthz", http.Header{"X-Request-Id": {`"}{evil log line`}}, nil)
	if got := w.Header().Get("X-Request-Id"); strings.Contains(got, "evil") {
		t.Errorf("an unsafe ID was kept: %q", got)
	}
}

func TestAccessLogRecordsEachRequest(t *testing.T) {
	s, logs := newTestServer(t)
	w := get(s, "/")
	get(s, "/nope")

	var home, missing map[string]any
	for _, l := range logs.lines(t) {
		if l["msg"] != "request" {
			continue
		}
		switch l["route"] {
		case "/":
			home = l
		case "":
			missing = l
		}
	}
	if home == nil || missing == nil {
		t.Fatalf("access log lines missing: %v", logs.lines(t))
	}
	if home["method"] != "GET" || home["status"] != float64(200) ||
		home["bytes"] != float64(w.Body.Len()) || home["request_id"] != w.Header().Get("X-Request-Id") {
		t.Errorf("home line = %v", home)
	}
	if _, ok := home["duration"]; !ok {
		t.Errorf("no duration: %v", home)
	}
	if _, ok := home["aborted"]; ok {
		t.Errorf("a whole answer is marked aborted: %v", home)
	}
	if missing["status"] != float64(404) || missing["path"] != "/nope" {
		t.Errorf("404 line = %v", missing)
	}
}

// countingRecorder is a RequestRecorder that keeps what it is told.
type countingRecorder struct {
	mu       sync.Mutex
	answered map[string]int // route → requests answered
	aborted  map[string]int // route → requests cut off
	hits     int            // answers served from the answer cache
	misses   int
}

func (c *countingRecorder) AnswerCache(hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.hits++
	} else {
		c.misses++
	}
}

func (c *countingRecorder) Request(_, route string, _ int, _ time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answered[route]++
}

func (c *countingRecorder) RequestAborted(_, route string, _ time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aborted[route]++
}

func TestAccessLogMarksAnAnswerThatWasAbortedAsSuch(t *testing.T) {
	s, logs := newTestServer(t)
	counts := &countingRecorder{answered: map[string]int{}, aborted: map[string]int{}}
	s.metrics = counts
	h := withTestRoutes(s, func(r chi.Router) {
		// Promises 5000 bytes and writes 100 (a handler that failed half way): the
		// gzip layer drops the connection rather than send a short answer.
		r.Get("/short", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "5000")
			_, _ = w.Write([]byte(strings.Repeat("x", 100)))
		})
		// Panics once its answer has started: recovery can only abort it.
		r.Get("/half", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("part of a page"))
			w.(http.Flusher).Flush()
			panic("half way")
		})
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // net/http's "aborted" line
	srv.Start()
	defer srv.Close()

	for _, path := range []string{"/short", "/half"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("%s: the client read a whole answer; want a failed one", path)
		}
	}

	got := map[string]map[string]any{}
	for _, l := range logs.lines(t) {
		if l["msg"] == "request" {
			got[l["route"].(string)] = l
		}
	}
	for _, route := range []string{"/short", "/half"} {
		l := got[route]
		if l == nil {
			t.Errorf("%s: no access log line in %v", route, logs.lines(t))
			continue
		}
		if l["aborted"] != true || l["level"] != "ERROR" {
			t.Errorf("%s: logged as %v; want aborted=true at ERROR", route, l)
		}
		counts.mu.Lock()
		if counts.aborted[route] != 1 || counts.answered[route] != 0 {
			t.Errorf("%s: metrics counted it %d times aborted and %d times answered; want once aborted",
				route, counts.aborted[route], counts.answered[route])
		}
		counts.mu.Unlock()
	}
}
