package web

import (
	"bytes"
	"container/list"
	"hash/maphash"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"kmsconsole/pricing"
)

// The answer cache. The estimators and the quote API answer with bytes that follow
// from the request and the price book in force alone: no session, no cookie, no
// clock. A console is asked for the same ones again and again (every visitor's first
// estimate is the default one, and each change of an input asks for a fragment that
// the visitor before may have asked for too), and making one again costs decoding,
// pricing, rendering and gzip: most of such a request's CPU (docs/performance.md). So
// the last answers are kept, whole and compressed as they were sent, in memory bounded
// in bytes, the least recently used going first.
//
// Kept: the answer to a request asked for before (an estimate asked for once only, as
// most typed ones are, costs a hash and no copy), if it is a 200 that sets no cookie,
// is written whole with its Content-Length and is not flushed, and answers a GET of
// one of the routes cacheable names (its path written without escapes) or a POST to
// the quote API of at most maxKeyedBody bytes. Its key is everything such an answer
// depends on: the method, the path and the raw query, whether the client takes gzip,
// and for a POST its Content-Type and body. It is served only while the price book it
// was made with is in force. An answer served from the cache is logged and counted as
// any other (console_answer_cache_total tells hits from misses).

// cacheable reports whether the answers of method and path depend on nothing but the
// request and the price book. The routes are those of package handlers' public
// estimators and the quote API; TestCacheableRoutesAreRoutes keeps the list honest.
func cacheable(method, path string) bool {
	switch method {
	case http.MethodGet:
		return path == "/ssm" || path == "/ssm/quote" || path == "/kms" || path == "/kms/quote"
	case http.MethodPost:
		return path == "/api/v1/quotes"
	}
	return false
}

const (
	// maxKeyedBody: a longer quote request (most are under 1 kB) is answered as
	// usual and not kept, so that keys stay small.
	maxKeyedBody = 8 << 10
	// keptOverhead is what an answer costs beyond its key and body: its header map
	// and list element, roughly.
	keptOverhead = 512
)

// answerCache is a least-recently-used cache of answers, bounded in bytes.
type answerCache struct {
	max      int // bytes of keys, bodies and keptOverhead
	maxEntry int // a longer answer is not kept

	mu    sync.Mutex
	byKey map[string]*list.Element // of *keptAnswer
	order list.List                // front: the most recently used
	size  int
	// seen holds the hashes of keys asked for once and not kept: the second request
	// for one is kept. It is emptied when it reaches maxSeen.
	seen    map[uint64]struct{}
	maxSeen int
	seed    maphash.Seed
}

// newAnswerCache keeps up to maxBytes of answers; nil (no cache) when maxBytes is 0
// or less.
func newAnswerCache(maxBytes int64) *answerCache {
	if maxBytes <= 0 {
		return nil
	}
	c := &answerCache{max: int(min(maxBytes, 1<<40)), byKey: map[string]*list.Element{},
		seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	c.maxEntry = max(c.max/16, 1)
	c.maxSeen = max(c.max/1024, 1024) // a 16th of the bytes, roughly, at about 60 bytes each
	return c
}

// keptAnswer is an answer as it was sent: the headers the handler and compression
// set (nil values: headers they removed), and the body.
type keptAnswer struct {
	key    string
	book   *pricing.Book
	route  string // the chi route pattern, for the access log and the metrics
	header http.Header
	body   []byte
}

func (a *keptAnswer) cost() int { return len(a.key) + len(a.body) + keptOverhead }

// lookup returns the answer kept under key if it was made with book; otherwise
// whether the answer about to be made is to be kept: when key was asked for before
// (it is noted now if not), or its answer was kept under another price book.
func (c *answerCache) lookup(key string, book *pricing.Book) (a *keptAnswer, keep bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		a = el.Value.(*keptAnswer)
		if a.book == book {
			c.order.MoveToFront(el)
			return a, false
		}
		c.remove(el) // made with a price book no longer in force
		return nil, true
	}
	h := maphash.String(c.seed, key)
	if _, ok := c.seen[h]; ok {
		delete(c.seen, h)
		return nil, true
	}
	if len(c.seen) >= c.maxSeen {
		clear(c.seen)
	}
	c.seen[h] = struct{}{}
	return nil, false
}

// put keeps a, dropping the least recently used answers to make room.
func (c *answerCache) put(a *keptAnswer) {
	n := a.cost()
	if n > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[a.key]; ok {
		c.remove(el)
	}
	for c.size+n > c.max {
		c.remove(c.order.Back())
	}
	c.byKey[a.key] = c.order.PushFront(a)
	c.size += n
}

func (c *answerCache) remove(el *list.Element) {
	a := c.order.Remove(el).(*keptAnswer)
	delete(c.byKey, a.key)
	c.size -= a.cost()
}

// keepAnswers serves the cacheable requests from the cache, and keeps their answers.
// It sits outside compression, so what it keeps is what was sent.
func (s *Server) keepAnswers(next http.Handler) http.Handler {
	if s.answers == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A path with escapes (/%73sm) is routed by its raw form, which no route
		// matches: it is answered as usual, never from the cache.
		if !cacheable(r.Method, r.URL.Path) || r.URL.RawPath != "" {
			next.ServeHTTP(w, r)
			return
		}
		key, ok := answerKey(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		book := s.h.Book() // before the handler: an answer is never kept under a newer book than its own
		a, keep := s.answers.lookup(key, book)
		if a != nil {
			s.recordCache(true)
			a.serve(w, r)
			return
		}
		s.recordCache(false)
		if !keep {
			next.ServeHTTP(w, r)
			return
		}
		rec := &answerRecorder{ResponseWriter: w, before: w.Header().Clone()}
		next.ServeHTTP(rec, r)
		if a := rec.answer(r); a != nil {
			a.key, a.book = key, book
			s.answers.put(a)
		}
	})
}

func (s *Server) recordCache(hit bool) {
	if s.metrics != nil {
		s.metrics.AnswerCache(hit)
	}
}

// answerKey is the key of r's answer; false when it is not to be kept: a POST whose
// body is longer than maxKeyedBody or could not be read. A POST's body is read
// whole here, and r.Body set to give the same bytes (and the same error) again. A
// body declared longer is not read at all: the body limit still refuses one over
// it before a byte is read (and before a client waiting on Expect: 100-continue
// is told to send it).
func answerKey(r *http.Request) (string, bool) {
	var body []byte
	ctype := ""
	if r.Method == http.MethodPost {
		if r.ContentLength > maxKeyedBody {
			return "", false
		}
		var err error
		rest := r.Body
		body, err = io.ReadAll(io.LimitReader(rest, maxKeyedBody+1))
		switch {
		case err != nil:
			r.Body = replayBody{io.MultiReader(bytes.NewReader(body), errorReader{err}), rest}
			return "", false
		case len(body) > maxKeyedBody:
			r.Body = replayBody{io.MultiReader(bytes.NewReader(body), rest), rest}
			return "", false
		}
		r.Body = replayBody{bytes.NewReader(body), rest}
		ctype = r.Header.Get("Content-Type")
	}
	gz := byte('0')
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		gz = '1'
	}
	var k strings.Builder
	k.Grow(len(r.Method) + len(r.URL.Path) + len(r.URL.RawQuery) + len(ctype) + len(body) + 6)
	k.WriteString(r.Method)
	k.WriteByte(' ')
	k.WriteString(r.URL.Path)
	k.WriteByte('?')
	k.WriteString(r.URL.RawQuery)
	k.WriteByte('\n')
	k.WriteByte(gz)
	k.WriteByte('\n')
	k.WriteString(ctype)
	k.WriteByte('\n')
	k.Write(body)
	return k.String(), true
}

// replayBody reads bytes already taken from a request's body, then (when it was not
// all taken) the rest; it closes the original.
type replayBody struct {
	io.Reader
	io.Closer
}

type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// serve writes a kept answer, and names its route for the access log.
func (a *keptAnswer) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range a.header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v // shared: every value is clipped, so an Add elsewhere copies it
		}
	}
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		rctx.RoutePatterns = append(rctx.RoutePatterns[:0], a.route)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body) // a failed write: the client left
}

// answerRecorder passes an answer on and copies it as it goes.
type answerRecorder struct {
	http.ResponseWriter
	before http.Header // the headers set outside, before the handler ran
	status int
	header http.Header // what the handler and compression changed, at WriteHeader
	body   []byte
	spoilt bool // flushed or too long: not to be kept
}

func (w *answerRecorder) WriteHeader(status int) {
	switch {
	case w.status != 0:
	case status < 200:
		w.spoilt = true // an informational answer: none of the console's do so
	default:
		w.status = status
		if status == http.StatusOK {
			w.header = changedHeaders(w.before, w.Header())
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *answerRecorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status == http.StatusOK && !w.spoilt {
		if len(w.body)+len(p) > maxKeptBody {
			w.spoilt, w.body = true, nil
		} else {
			w.body = append(w.body, p...)
		}
	}
	return w.ResponseWriter.Write(p)
}

// maxKeptBody: the recorder stops copying an answer longer than this.
const maxKeptBody = 1 << 20

func (w *answerRecorder) Flush() {
	w.spoilt = true // sent in parts: not an answer written whole
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *answerRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// answer is what is to be kept of the answer to r, nil when it is not to be.
func (w *answerRecorder) answer(r *http.Request) *keptAnswer {
	if w.spoilt || w.status != http.StatusOK || len(w.header["Set-Cookie"]) > 0 ||
		w.header.Get("Content-Length") != strconv.Itoa(len(w.body)) {
		return nil
	}
	route := ""
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		route = rctx.RoutePattern()
	}
	return &keptAnswer{route: route, header: w.header, body: w.body}
}

// changedHeaders is what after has that before had not, and (as nil) what before had
// that after has not. Values are copied, and clipped so an append copies them again.
func changedHeaders(before, after http.Header) http.Header {
	out := http.Header{}
	for k, v := range after {
		if old, ok := before[k]; !ok || !slices.Equal(old, v) {
			out[k] = slices.Clip(slices.Clone(v))
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out[k] = nil
		}
	}
	return out
}
