package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/klauspost/compress/gzip"
)

func TestAcceptsGzipReadsWeights(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"GZIP":                    true,
		"gzip, deflate, br, zstd": true,
		"br;q=1.0, gzip;q=0.8":    true,
		"*":                       true,
		"identity":                false,
		"deflate, br":             false,
		"gzip;q=0":                false,
		"gzip; q=0.000":           false,
		"gzip;q=0.001":            true,
		"x-gzip":                  false,
		"*;q=0, gzip;q=0":         false,
		"gzip;q=0, *":             false, // "*" is only for codings not named
		"*, gzip;q=0":             false,
		"br, *;q=0.1":             true,
		"*;q=0":                   false,
	} {
		if got := acceptsGzip([]string{header}); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", header, got, want)
		}
	}
}

// fetch is a request over a real connection, which shows the framing
// (Content-Length or chunked) as a client sees it. The transport does not decompress.
func fetch(t *testing.T, method, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

var acceptGzip = http.Header{"Accept-Encoding": {"gzip"}}

// A page, as pages are written (whole, with their length), is gzipped whole and sent
// with the gzipped length: no chunked encoding.
func TestGzippedPagesAreSentWithTheirLength(t *testing.T) {
	s, _ := newTestServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()

	css := s.assets.Path("css/app.css")
	for _, path := range []string{"/", "/ssm?region=ap-tokyo&credentials=2500", css} {
		resp, body := fetch(t, http.MethodGet, srv.URL+path, acceptGzip)
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q", path, resp.Header.Get("Content-Encoding"))
			continue
		}
		if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) != 0 {
			t.Errorf("%s: Content-Length %d, Transfer-Encoding %v, for %d bytes", path, resp.ContentLength, resp.TransferEncoding, len(body))
		}
		if len(gunzip(t, body)) <= len(body) {
			t.Errorf("%s: gzip made %d bytes no smaller", path, len(body))
		}
	}

	// HEAD tells the length a GET sends.
	getResp, getBody := fetch(t, http.MethodGet, srv.URL+css, acceptGzip)
	headResp, headBody := fetch(t, http.MethodHead, srv.URL+css, acceptGzip)
	if headResp.ContentLength != int64(len(getBody)) || len(headBody) != 0 ||
		headResp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("HEAD %s: Content-Length %d, %d bytes, encoding %q; GET sent %d bytes",
			css, headResp.ContentLength, len(headBody), headResp.Header.Get("Content-Encoding"), len(getBody))
	}

	// A cached file: 304, nothing to compress.
	resp, body := fetch(t, http.MethodGet, srv.URL+css,
		http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {getResp.Header.Get("ETag")}})
	if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Content-Encoding") != "" || len(body) != 0 {
		t.Errorf("If-None-Match: %d, encoding %q, %d bytes; want a bare 304", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(body))
	}
	// RFC 9110 section 15.4.5: a 304 carries the Vary its 200 would have.
	if v := resp.Header.Values("Vary"); len(v) != 1 || v[0] != "Accept-Encoding" {
		t.Errorf("If-None-Match: Vary %q, want Accept-Encoding as on the 200", v)
	}

	// An answer under minGzipSize is sent as it is.
	resp, body = fetch(t, http.MethodGet, srv.URL+"/healthz", acceptGzip)
	if resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != int64(len(body)) {
		t.Errorf("/healthz: encoding %q, Content-Length %d for %q", resp.Header.Get("Content-Encoding"), resp.ContentLength, body)
	}

	// A client that does not accept gzip gets the page as it is, marked as varying.
	resp, body = fetch(t, http.MethodGet, srv.URL+"/", http.Header{"Accept-Encoding": {"gzip;q=0"}})
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Contains(body, []byte("<html")) ||
		!strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("gzip;q=0: encoding %q, Vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
}

// An answer flushed on the way, or longer than is worth buffering, is gzipped as it is
// written, and arrives whole.
func TestLongOrUnsizedAnswersAreGzippedAsTheyAreWritten(t *testing.T) {
	s, _ := newTestServer(t)
	line := []byte("account,,,Secrets Manager credential,2500,credential,0.40,1000.00,\n")
	unsized := bytes.Repeat(line, 2000)                        // 136 kB
	long := bytes.Repeat(line, maxBufferedGzip/len(line)+1000) // just over the buffer
	precompressed := []byte("\x1f\x8b already encoded by the handler")
	h := withTestRoutes(s, func(r chi.Router) {
		r.Get("/unsized", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			half := len(unsized) / 2
			_, _ = w.Write(unsized[:half])
			http.NewResponseController(w).Flush() //nolint:errcheck // checked by the body below
			_, _ = w.Write(unsized[half:])
		})
		r.Get("/pending", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			_, _ = w.Write(unsized[:100])
			_, _ = w.Write(unsized[100:])
		})
		r.Get("/long", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(long)))
			_, _ = w.Write(long)
		})
		r.Get("/encoded", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(precompressed)))
			_, _ = w.Write(precompressed)
		})
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	for path, want := range map[string][]byte{"/unsized": unsized, "/long": long} {
		resp, body := fetch(t, http.MethodGet, srv.URL+path, acceptGzip)
		if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength != -1 {
			t.Errorf("%s: encoding %q, Content-Length %d; want gzip, streamed", path, resp.Header.Get("Content-Encoding"), resp.ContentLength)
			continue
		}
		if got := gunzip(t, body); got != string(want) {
			t.Errorf("%s: %d bytes after gunzip, want the %d written", path, len(got), len(want))
		}
	}
	// Unsized but not flushed, and short enough to hold: gzipped whole, with its length.
	resp, body := fetch(t, http.MethodGet, srv.URL+"/pending", acceptGzip)
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength != int64(len(body)) ||
		gunzip(t, body) != string(unsized) {
		t.Errorf("/pending: encoding %q, Content-Length %d for %d bytes", resp.Header.Get("Content-Encoding"), resp.ContentLength, len(body))
	}

	resp, body = fetch(t, http.MethodGet, srv.URL+"/encoded", acceptGzip)
	if !bytes.Equal(body, precompressed) || resp.ContentLength != int64(len(precompressed)) {
		t.Errorf("/encoded: %q (Content-Length %d), want the handler's own bytes", body, resp.ContentLength)
	}
}

// What a handler does out of the usual order still makes a correct answer, or a
// failed one, never a wrong one.
func TestGzipWriterFollowsNetHTTPsRules(t *testing.T) {
	s, _ := newTestServer(t)
	body := bytes.Repeat([]byte("account,,,Secrets Manager credential,2500\n"), 150) // 6 kB
	overErr := make(chan error, 1)
	h := withTestRoutes(s, func(r chi.Router) {
		r.Get("/short", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body[:len(body)/2]) // then fails, say
		})
		r.Get("/over", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", "2000")
			_, err := w.Write(body)
			overErr <- err
		})
		r.Get("/vary", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Vary", "Accept-Encoding, Cookie")
			_, _ = w.Write(body)
		})
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	// A flush before the first write sends the header: gzipped, and marked so. (In
	// the console's chain, chi's wrapper writes the header before it flushes; the
	// writer is tried on its own.)
	rec := httptest.NewRecorder()
	gw := &gzipResponseWriter{ResponseWriter: rec}
	gw.Header().Set("Content-Type", "text/csv")
	gw.Flush()
	_, _ = gw.Write(body)
	gw.finish()
	if rec.Result().Header.Get("Content-Encoding") != "gzip" || gunzip(t, rec.Body.Bytes()) != string(body) {
		t.Errorf("flush before writing: encoding %q, %d bytes", rec.Result().Header.Get("Content-Encoding"), rec.Body.Len())
	}

	// A handler that writes less than it declared fails the answer, as net/http does;
	// one that writes more is told so.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, path := range []string{"/short", "/over"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("%s: the client got a whole answer (%d) from a handler that broke its Content-Length", path, resp.StatusCode)
		}
	}
	if err := <-overErr; !errors.Is(err, http.ErrContentLength) {
		t.Errorf("/over: Write said %v, want http.ErrContentLength", err)
	}

	// Vary is said once.
	resp, _ := fetch(t, http.MethodGet, srv.URL+"/vary", acceptGzip)
	if v := resp.Header.Values("Vary"); len(v) != 1 || v[0] != "Accept-Encoding, Cookie" {
		t.Errorf("/vary: Vary %q, want the handler's one line", v)
	}
}

// TestIdleCompressorsAreKeptForReuseUpToTheirBound: an idle compressor is handed out
// again rather than built anew (building one clears about 650 kB), and no more than
// maxIdleGzipWriters are kept.
func TestIdleCompressorsAreKeptForReuseUpToTheirBound(t *testing.T) {
	for len(gzipWriters) > 0 { // start from none idle
		<-gzipWriters
	}
	zw := getGzipWriter()
	putGzipWriter(zw)
	if again := getGzipWriter(); again != zw {
		t.Error("an idle compressor was not reused")
	}
	var many []*gzip.Writer
	for range maxIdleGzipWriters + 3 {
		many = append(many, getGzipWriter())
	}
	for _, w := range many {
		putGzipWriter(w)
	}
	if n := len(gzipWriters); n != maxIdleGzipWriters {
		t.Errorf("%d idle compressors kept, want %d", n, maxIdleGzipWriters)
	}
}
