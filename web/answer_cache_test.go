package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"kmsconsole/handlers"
	"kmsconsole/pricing"
)

// quoteCounter counts the quotes the handlers price.
type quoteCounter struct {
	mu     sync.Mutex
	quotes int
}

func (c *quoteCounter) QuoteComputed(string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quotes++
}
func (c *quoteCounter) OrderPlaced(string)         {}
func (c *quoteCounter) OrderFailed(string, string) {}

func (c *quoteCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.quotes
}

// cachedServer is the test server with an answer cache of maxBytes, and what counts
// its requests, its cache's hits and the quotes its handlers price.
func cachedServer(t *testing.T, book *pricing.Book, maxBytes int64) (*Server, *countingRecorder, *quoteCounter) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	embedded, st := newTestStore(t, log, "")
	if book == nil {
		book = embedded
	}
	quotes := &quoteCounter{}
	s := newServerWith(t, log, book, st, func(d *handlers.Deps) { d.Metrics = quotes })
	counts := &countingRecorder{answered: map[string]int{}, aborted: map[string]int{}}
	s.metrics = counts
	s.answers = newAnswerCache(maxBytes)
	s.router = s.routes()
	return s, counts, quotes
}

// get returns the answer kept under key if it was made with book.
func (c *answerCache) get(key string, book *pricing.Book) *keptAnswer {
	a, _ := c.lookup(key, book)
	return a
}

// len is the number of answers kept, and bytes what they count against the bound.
func (c *answerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

func (c *answerCache) bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// cacheRequest is one request of the routes whose answers are kept.
type cacheRequest struct {
	method, target, route, body string
	gzip                        bool
}

func (c cacheRequest) send(h http.Handler) (status int, header http.Header, body []byte) {
	return c.sendWith(h, http.Header{})
}

func (c cacheRequest) sendWith(h http.Handler, header http.Header) (int, http.Header, []byte) {
	if c.gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	var rd io.Reader
	if c.body != "" {
		header.Set("Content-Type", "application/json")
		rd = strings.NewReader(c.body)
	}
	w := do(h, c.method, c.target, header, rd)
	return w.Code, w.Header(), w.Body.Bytes()
}

const cacheQuoteBody = `{"items":[{"product":"kms","region":"ap-guangzhou","customer_keys":10,"api_calls":125000,"days":30}]}`

func cacheRequests() []cacheRequest {
	var out []cacheRequest
	for _, gz := range []bool{false, true} {
		out = append(out,
			cacheRequest{"GET", "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1", "/ssm", "", gz},
			cacheRequest{"GET", "/ssm/quote?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1", "/ssm/quote", "", gz},
			cacheRequest{"GET", "/kms", "/kms", "", gz},
			cacheRequest{"GET", "/kms/quote?region=ap-guangzhou&customer_keys=10&api_calls=125000", "/kms/quote", "", gz},
			cacheRequest{"POST", "/api/v1/quotes", "/api/v1/quotes", cacheQuoteBody, gz},
		)
	}
	return out
}

// withoutRequestID is header less the one that differs by request.
func withoutRequestID(h http.Header) http.Header {
	h = h.Clone()
	h.Del("X-Request-Id")
	return h
}

// TestAKeptAnswerIsTheAnswerMadeAgain: the third of three identical requests (the
// first is noted, the second's answer kept) is served from the cache, without
// pricing anything, with the status, headers and bytes a console without the cache
// sends; and it is logged and counted under its route.
func TestAKeptAnswerIsTheAnswerMadeAgain(t *testing.T) {
	plain, _ := newTestServer(t)
	s, counts, quotes := cachedServer(t, nil, 16<<20)
	for _, c := range cacheRequests() {
		name := fmt.Sprintf("%s %s gzip=%v", c.method, c.target, c.gzip)
		wantStatus, wantHeader, wantBody := c.send(plain)
		if wantStatus != http.StatusOK {
			t.Fatalf("%s: %d without the cache", name, wantStatus)
		}
		if got := wantHeader.Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Fatalf("%s: gzipped = %v", name, got)
		}
		before := quotes.count()
		c.send(s) // made, and noted
		c.send(s) // made again, and kept
		if quotes.count() < before+2 {
			t.Fatalf("%s: the first two requests priced %d", name, quotes.count()-before)
		}
		before = quotes.count()
		status, header, body := c.sendWith(s, http.Header{"X-Request-Id": {"kept-answer-1234"}})
		if quotes.count() != before {
			t.Errorf("%s: the second request was priced again", name)
		}
		if status != wantStatus || !bytes.Equal(body, wantBody) {
			t.Errorf("%s: kept answer %d, %d bytes; made %d, %d bytes", name, status, len(body), wantStatus, len(wantBody))
		}
		if got, want := withoutRequestID(header), withoutRequestID(wantHeader); !equalHeaders(got, want) {
			t.Errorf("%s: kept headers\n%v\nwant\n%v", name, got, want)
		}
		if got := header.Get("X-Request-Id"); got != "kept-answer-1234" {
			t.Errorf("%s: a kept answer has request ID %q, not its own", name, got)
		}
		if counts.answered[c.route] != 3 {
			t.Errorf("%s: %d answers counted under %q, want 3", name, counts.answered[c.route], c.route)
		}
		counts.answered[c.route] = 0
	}
	if n := len(cacheRequests()); counts.hits != n || counts.misses != 2*n {
		t.Errorf("hits %d, misses %d; want %d and %d", counts.hits, counts.misses, n, 2*n)
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\x00") != strings.Join(b[k], "\x00") {
			return false
		}
	}
	return true
}

// TestAKeptAnswerIsNotServedUnderAnotherPriceBook: a reload puts new prices in force,
// even under the same version name, and the next answer has them.
func TestAKeptAnswerIsNotServedUnderAnotherPriceBook(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	c := cacheRequest{"POST", "/api/v1/quotes", "/api/v1/quotes", cacheQuoteBody, false}
	c.send(s)
	_, _, first := c.send(s)
	if _, _, again := c.send(s); !bytes.Equal(again, first) || counts.hits != 1 {
		t.Fatalf("not kept: hits %d", counts.hits)
	}

	data, _ := json.Marshal(mustBookForTest(t))
	changed := strings.Replace(string(data), `"customer_key_per_day":"0.06"`, `"customer_key_per_day":"0.07"`, 1)
	book, err := pricing.ParseBook([]byte(changed))
	if err != nil {
		t.Fatal(err)
	}
	s.h.SetBook(book)
	_, _, after := c.send(s)
	if bytes.Equal(after, first) || counts.hits != 1 {
		t.Errorf("the answer of the old price book was served (hits %d)", counts.hits)
	}
	if want := mustQuoteJSON(t, book, cacheQuoteBody); !bytes.Equal(after, want) {
		t.Errorf("after the reload:\n%s\nwant\n%s", after, want)
	}
	// An answer kept under the old book was asked for before: the new one is kept at
	// once.
	if _, _, again := c.send(s); !bytes.Equal(again, after) || counts.hits != 2 {
		t.Errorf("the new price book's answer is not kept: hits %d", counts.hits)
	}
}

// mustQuoteJSON is the quote API's answer to body under book, made without a cache.
func mustQuoteJSON(t *testing.T, book *pricing.Book, body string) []byte {
	t.Helper()
	_, st := newTestStore(t, slog.New(slog.DiscardHandler), "")
	s := newServerWith(t, slog.New(slog.DiscardHandler), book, st)
	w := do(s, "POST", "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %s", w.Code, w.Body)
	}
	return w.Body.Bytes()
}

// TestRequestsThatDifferGetTheirOwnAnswers: each part of the key keeps answers apart.
func TestRequestsThatDifferGetTheirOwnAnswers(t *testing.T) {
	plain, _ := newTestServer(t)
	s, counts, _ := cachedServer(t, nil, 16<<20)
	requests := []struct {
		method, target, ctype, encoding, body string
	}{
		{"GET", "/ssm/quote?region=ap-tokyo&credentials=2500", "", "", ""},
		{"GET", "/ssm/quote?region=ap-tokyo&credentials=2600", "", "", ""},
		{"GET", "/ssm/quote?region=ap-tokyo&credentials=2500", "", "gzip", ""},
		{"GET", "/ssm?region=ap-tokyo&credentials=2500", "", "", ""},
		{"GET", "/kms/quote?region=ap-tokyo&credentials=2500", "", "", ""},
		{"POST", "/api/v1/quotes", "application/json", "", cacheQuoteBody},
		{"POST", "/api/v1/quotes", "application/json", "", strings.Replace(cacheQuoteBody, "125000", "125001", 1)},
		{"POST", "/api/v1/quotes", "text/plain", "", cacheQuoteBody}, // 415, not kept
		{"POST", "/api/v1/quotes", "application/json", "gzip", cacheQuoteBody},
		{"POST", "/api/v1/quotes", "application/json", "", `{"items":[{"product":"kms","region":"nowhere"}]}`}, // 422
	}
	for round := range 3 {
		for _, rq := range requests {
			header := http.Header{}
			if rq.ctype != "" {
				header.Set("Content-Type", rq.ctype)
			}
			if rq.encoding != "" {
				header.Set("Accept-Encoding", rq.encoding)
			}
			want := do(plain, rq.method, rq.target, header, strings.NewReader(rq.body))
			got := do(s, rq.method, rq.target, header, strings.NewReader(rq.body))
			if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) ||
				got.Header().Get("Content-Encoding") != want.Header().Get("Content-Encoding") {
				t.Errorf("round %d, %+v: %d %q, want %d %q", round, rq, got.Code, got.Body.String()[:min(80, got.Body.Len())],
					want.Code, want.Body.String()[:min(80, want.Body.Len())])
			}
		}
	}
	// Kept: the eight answers that were 200s (in the second round; the third is served
	// from the cache); the 415 and the 422 are made each time.
	if counts.hits != 8 || s.answers.len() != 8 {
		t.Errorf("hits %d, kept %d; want 8 and 8", counts.hits, s.answers.len())
	}
}

// TestALongQuoteRequestIsAnsweredWholeAndNotKept: a body over maxKeyedBody is read
// twice (for the key, then by the handler) without losing a byte.
func TestALongQuoteRequestIsAnsweredWholeAndNotKept(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	body := `{"items":[` + strings.Repeat(" ", maxKeyedBody) + cacheQuoteBody[len(`{"items":[`):]
	for range 3 {
		w := do(s, "POST", "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"totals"`) {
			t.Fatalf("%d: %s", w.Code, w.Body)
		}
	}
	if counts.hits != 0 || s.answers.len() != 0 {
		t.Errorf("hits %d, kept %d; want none", counts.hits, s.answers.len())
	}
	// Over the server's body limit, it is still refused as it was.
	huge := strings.Repeat(" ", int(DefaultMaxBodyBytes)) + cacheQuoteBody
	if w := do(s, "POST", "/api/v1/quotes", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(huge)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over the limit: %d", w.Code)
	}
}

// TestOnlyWholeAnswersWithoutCookiesAreKept runs the cache's middleware over
// handlers at a cacheable path that answer in ways the real ones do not.
func TestOnlyWholeAnswersWithoutCookiesAreKept(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"cookie": func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "n", Value: "v"})
			w.Header().Set("Content-Length", "2")
			_, _ = w.Write([]byte("ok"))
		},
		"flushed": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2")
			_, _ = w.Write([]byte("o"))
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte("k"))
		},
		"no length": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) },
		"created": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("ok"))
		},
		"whole": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2")
			w.Header().Del("X-Frame-Options") // removed: removed again when served
			_, _ = w.Write([]byte("ok"))
		},
	}
	for name, handler := range handlers {
		s, counts, _ := cachedServer(t, nil, 1<<20)
		h := withTestRoutes(s, func(r chi.Router) { r.Get("/ssm", handler) })
		first := get(h, "/ssm")
		get(h, "/ssm") // kept, if it can be
		second := get(h, "/ssm")
		kept := name == "whole"
		if got := counts.hits == 1; got != kept {
			t.Errorf("%s: served from the cache = %v, want %v", name, got, kept)
		}
		if second.Body.String() != "ok" || second.Code != first.Code {
			t.Errorf("%s: %d %q", name, second.Code, second.Body)
		}
		if kept && second.Header().Get("X-Frame-Options") != "" {
			t.Errorf("%s: a header the handler removed is back", name)
		}
	}
}

// TestAnEscapedPathIsNotServedFromTheCache: /%73sm is not the route /ssm (chi routes
// the raw path), so it is a 404 even when /ssm's answer is kept.
func TestAnEscapedPathIsNotServedFromTheCache(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	get(s, "/ssm")
	get(s, "/ssm")
	if w := get(s, "/%73sm"); w.Code != http.StatusNotFound || counts.hits != 0 {
		t.Errorf("/%%73sm: %d, hits %d", w.Code, counts.hits)
	}
}

// TestABodyDeclaredOverTheLimitIsNotRead: the body limit refuses it before a byte
// is read, as without the cache.
func TestABodyDeclaredOverTheLimitIsNotRead(t *testing.T) {
	s, _, _ := cachedServer(t, nil, 16<<20)
	body := &countingReader{r: strings.NewReader(strings.Repeat(" ", 2<<20))}
	r := httptest.NewRequest("POST", "/api/v1/quotes", body)
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = 2 << 20
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || body.n != 0 {
		t.Errorf("%d after reading %d bytes; want 413 after none", w.Code, body.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestABodyThatFailsIsReadAsItFailed: an error while the cache reads the body is
// the handler's too, and nothing is kept.
func TestABodyThatFailsIsReadAsItFailed(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	for range 3 {
		r := httptest.NewRequest("POST", "/api/v1/quotes", io.MultiReader(strings.NewReader(`{"items":[`), errorReader{errors.New("connection reset by peer")}))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "could not be read") {
			t.Errorf("%d %s", w.Code, w.Body)
		}
	}
	if s.answers.len() != 0 || counts.hits+counts.misses != 0 {
		t.Errorf("kept %d; hits %d, misses %d", s.answers.len(), counts.hits, counts.misses)
	}
}

// TestHeadIsNotServedFromTheCache: HEAD is answered by the GET route (net/http sends
// no body), and neither takes the other's answer.
func TestHeadIsNotServedFromTheCache(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	get(s, "/kms")
	get(s, "/kms")
	if w := do(s, http.MethodHead, "/kms", nil, nil); w.Code != http.StatusOK || counts.hits != 0 {
		t.Errorf("HEAD: %d, hits %d", w.Code, counts.hits)
	}
	if w := get(s, "/kms"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "</html>") || counts.hits != 1 {
		t.Errorf("GET after HEAD: %d, hits %d", w.Code, counts.hits)
	}
}

// TestTheCacheKeepsToItsBound fills a small cache through the server.
func TestTheCacheKeepsToItsBound(t *testing.T) {
	const bound = 512 << 10
	s, counts, _ := cachedServer(t, nil, bound)
	for i := range 200 {
		get(s, fmt.Sprintf("/kms/quote?region=ap-guangzhou&customer_keys=%d", i))
		get(s, fmt.Sprintf("/kms/quote?region=ap-guangzhou&customer_keys=%d", i))
		if s.answers.bytes() > bound {
			t.Fatalf("after %d answers the cache holds %d bytes, over %d", i+1, s.answers.bytes(), bound)
		}
	}
	if n := s.answers.len(); n < 10 || n > 100 {
		t.Errorf("%d answers kept in %d bytes", n, bound)
	}
	if counts.hits != 0 || counts.misses != 400 {
		t.Errorf("hits %d, misses %d", counts.hits, counts.misses)
	}
}

// TestTheLeastRecentlyUsedAnswerGoesFirst: the answer asked for again stays when
// the cache makes room; the oldest of the others goes.
func TestTheLeastRecentlyUsedAnswerGoesFirst(t *testing.T) {
	book := mustBookForTest(t)
	answer := func(i int) *keptAnswer {
		return &keptAnswer{key: fmt.Sprintf("key %02d", i), book: book, body: make([]byte, 100)}
	}
	c := newAnswerCache(int64(20 * answer(0).cost())) // 20: one answer may take a sixteenth
	for i := range 20 {
		c.put(answer(i))
	}
	if c.get("key 00", book) == nil {
		t.Fatal("not kept")
	}
	c.put(answer(20)) // room for one: key 01 goes, not key 00
	if c.get("key 01", book) != nil || c.get("key 00", book) == nil || c.get("key 20", book) == nil || c.len() != 20 {
		t.Errorf("kept %d; key 00 kept: %v, key 01 dropped: %v", c.len(), c.get("key 00", book) != nil, c.get("key 01", book) == nil)
	}
	if other := mustBookForTest(t); c.get("key 00", other) != nil || c.len() != 19 {
		t.Error("an answer of another price book was served, or kept")
	}
}

// TestCacheableRoutesAreRoutes: each route the cache names is routed, so a renamed
// route cannot leave the cache keeping a path no handler answers.
func TestCacheableRoutesAreRoutes(t *testing.T) {
	s, _ := newTestServer(t)
	routed := map[string]bool{}
	_ = chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routed[method+" "+route] = true
		return nil
	})
	n := 0
	for route := range routed {
		method, path, _ := strings.Cut(route, " ")
		if cacheable(method, path) {
			n++
		}
	}
	for _, c := range cacheRequests() {
		if !routed[c.method+" "+c.route] {
			t.Errorf("%s %s is not a route", c.method, c.route)
		}
	}
	if n != 5 {
		t.Errorf("%d routes are cacheable, want 5", n)
	}
}

func TestNoCacheWithoutABound(t *testing.T) {
	if newAnswerCache(0) != nil || newAnswerCache(-1) != nil {
		t.Error("a cache of no bytes was made")
	}
}

// TestAKeptAnswerServedToManyAtOnce: under the race detector (make unit), clients
// served the same kept answer at once share its header values and body safely.
func TestAKeptAnswerServedToManyAtOnce(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 16<<20)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := cacheRequests()[1] // the live fragment, not gzipped: what the client unzips to
	_, _, want := c.send(s)
	gz := c
	gz.gzip = true // as the client below asks
	gz.send(s)
	gz.send(s) // kept
	hits := counts.hits
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				resp, err := srv.Client().Get(srv.URL + c.target) // gzipped and unzipped by the client
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !resp.Uncompressed || !bytes.Equal(body, want) {
					t.Errorf("%d, gzipped %v, %d bytes", resp.StatusCode, resp.Uncompressed, len(body))
					return
				}
			}
		})
	}
	wg.Wait()
	if n := counts.hits - hits; n != 200 { // kept before the clients started: all hits
		t.Errorf("%d hits of 200", n)
	}
}

// TestAnAnswerAskedForOnceIsNotKept: a request no one repeats costs the cache a hash,
// not a copy; the notes of such requests are bounded.
func TestAnAnswerAskedForOnceIsNotKept(t *testing.T) {
	s, counts, _ := cachedServer(t, nil, 1<<20) // notes up to 1024 keys
	for i := range 3000 {
		get(s, fmt.Sprintf("/kms/quote?region=ap-guangzhou&customer_keys=%d", i))
		if n := len(s.answers.seen); n > s.answers.maxSeen {
			t.Fatalf("%d keys noted, over %d", n, s.answers.maxSeen)
		}
	}
	if s.answers.len() != 0 || counts.misses != 3000 {
		t.Errorf("kept %d, misses %d; want none kept of 3000", s.answers.len(), counts.misses)
	}
	get(s, "/kms/quote?region=ap-guangzhou&customer_keys=2999") // noted last: kept now
	if s.answers.len() != 1 {
		t.Errorf("kept %d after a repeat, want 1", s.answers.len())
	}
}
