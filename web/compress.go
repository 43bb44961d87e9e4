package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Compression. The console's answers are written whole: a handler renders into a
// buffer and writes it once, with its Content-Length. So is the gzipped answer: it is
// compressed into a buffer, then sent with its own Content-Length in one write, which
// costs the server and the client fewer system calls than chi's streaming compressor
// with its chunked encoding. An answer of unknown length (a CSV export) is held until
// it ends and then sent the same way, unless it is flushed or grows past
// maxBufferedGzip: then it is gzipped as it is written, in chunks.
//
// The compressor is github.com/klauspost/compress at its fastest level: for the same
// 7 to 14 kB answers it takes about half the CPU time of compress/flate's fastest
// level, which was still a fifth of the console's time after the change from level 5
// (docs/performance.md).

const (
	// minGzipSize: an answer this short is sent as it is. Below a packet, gzip saves
	// no round trip and its header and trailer can make the answer longer.
	minGzipSize = 1024
	// maxBufferedGzip: a longer answer (of known length) is streamed, not buffered.
	maxBufferedGzip = 1 << 20
	// maxPooledBuffer: a buffer that grew beyond this is left to the collector.
	maxPooledBuffer = 256 << 10
)

// gzipTypes are the media types worth compressing; every other answer (images, fonts)
// is sent as it is.
var gzipTypes = map[string]bool{
	"text/html": true, "text/css": true, "text/csv": true, "text/plain": true,
	"text/javascript": true, "application/javascript": true,
	"application/json": true, "image/svg+xml": true,
}

var gzipBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gzipWriters keeps idle compressors for the next answers. It is not a sync.Pool: a
// level-1 compressor holds about 650 kB of tables and history, and a sync.Pool lets
// the collector take its idle ones and keeps each processor's last one out of the
// others' reach, so a new compressor was built (and its memory cleared) every 90 or so
// answers. Compressing takes no more than a few at a time (it runs on a finished
// answer, without blocking), so a few are kept; any beyond them go to the collector.
var gzipWriters = make(chan *gzip.Writer, maxIdleGzipWriters)

// maxIdleGzipWriters bounds the memory the idle compressors keep (about 5 MB).
const maxIdleGzipWriters = 8

func getGzipWriter() *gzip.Writer {
	select {
	case zw := <-gzipWriters:
		return zw
	default:
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level: no error
		return zw
	}
}

func putGzipWriter(zw *gzip.Writer) {
	select {
	case gzipWriters <- zw:
	default: // enough are kept
	}
}

// compress gzips the answers of clients that accept gzip.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptsGzip(r.Header.Values("Accept-Encoding")) {
			next.ServeHTTP(&varyWriter{ResponseWriter: w}, r)
			return
		}
		gw := &gzipResponseWriter{ResponseWriter: w}
		next.ServeHTTP(gw, r)
		gw.finish()
	})
}

// acceptsGzip reads Accept-Encoding (RFC 9110 section 12.5.3): gzip with a weight
// above zero, or, when gzip is not listed at all, "*" with a weight above zero ("*"
// stands only for the codings the header does not name).
func acceptsGzip(headers []string) bool {
	var gzipListed, gzipRefused, starListed, starRefused bool // a refusal anywhere stands
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ",") {
			name, params, _ := strings.Cut(part, ";")
			switch name = strings.TrimSpace(name); {
			case strings.EqualFold(name, "gzip"):
				gzipListed, gzipRefused = true, gzipRefused || zeroWeight(params)
			case name == "*":
				starListed, starRefused = true, starRefused || zeroWeight(params)
			}
		}
	}
	if gzipListed {
		return !gzipRefused
	}
	return starListed && !starRefused
}

// zeroWeight reports whether params (after the coding's name) give q=0.
func zeroWeight(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && q == 0
	}
	return false
}

// compressible reports whether an answer with these headers and status may be
// gzipped, and its declared length (-1: none).
func compressible(h http.Header, status int) (ok bool, length int) {
	length = -1
	if cl := h.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil {
			return false, -1
		}
		length = n
	}
	switch {
	case status < 200, status == http.StatusNoContent, status == http.StatusNotModified,
		status == http.StatusPartialContent:
		return false, length
	case h.Get("Content-Encoding") != "", h.Get("Content-Range") != "":
		return false, length
	case length >= 0 && length < minGzipSize:
		return false, length
	}
	mediaType, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return gzipTypes[strings.ToLower(strings.TrimSpace(mediaType))], length
}

// addVary says that the answer depends on Accept-Encoding, once.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept-Encoding") {
				return
			}
		}
	}
	h.Add("Vary", "Accept-Encoding")
}

// varyWriter adds Vary: Accept-Encoding to the answers that would have been gzipped
// for another client, so a shared cache keeps both forms apart.
type varyWriter struct {
	http.ResponseWriter
	wroteHeader bool
}

func (w *varyWriter) WriteHeader(status int) {
	if !w.wroteHeader && status >= 200 {
		w.wroteHeader = true
		if ok, _ := compressible(w.Header(), status); ok {
			addVary(w.Header())
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *varyWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *varyWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *varyWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// gzipResponseWriter decides at WriteHeader: as it is (mode plain), gzipped into a
// buffer (buffered), or, for an answer of unknown length, held as it is (pending)
// until it ends or outgrows the buffer. A pending answer that ends short is sent as it
// is, a longer one gzipped whole; one that outgrows the buffer, or is flushed, is
// gzipped as it is written from then on (streamed).
type gzipResponseWriter struct {
	http.ResponseWriter
	mode   gzipMode
	status int
	zw     *gzip.Writer
	buf    *bytes.Buffer // buffered: the gzipped answer; pending: the answer so far
	// declared is the Content-Length the handler set (buffered mode), written what it
	// has written: an answer that falls short is aborted, as net/http aborts one.
	declared, written int
}

type gzipMode int

const (
	undecided gzipMode = iota
	plain
	buffered
	pending
	streamed
)

func (w *gzipResponseWriter) WriteHeader(status int) {
	if w.mode != undecided {
		return // net/http would log a superfluous call; there is nothing to send
	}
	if status < 200 {
		w.ResponseWriter.WriteHeader(status) // an informational answer; the real one follows
		return
	}
	h := w.Header()
	ok, length := compressible(h, status)
	if !ok {
		w.mode = plain
		w.ResponseWriter.WriteHeader(status)
		return
	}
	addVary(h)
	w.status, w.declared = status, length
	w.buf = gzipBuffers.Get().(*bytes.Buffer)
	switch {
	case length < 0:
		w.mode = pending
	case length <= maxBufferedGzip:
		w.mode = buffered
		w.startGzip(w.buf)
	default:
		w.stream()
	}
}

// startGzip marks the answer gzipped and points the compressor at dst.
func (w *gzipResponseWriter) startGzip(dst io.Writer) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.zw = getGzipWriter()
	w.zw.Reset(dst)
}

// stream sends the header and, from then on, gzips as the answer is written, starting
// with what a pending answer held.
func (w *gzipResponseWriter) stream() {
	w.startGzip(w.ResponseWriter)
	w.ResponseWriter.WriteHeader(w.status)
	if w.mode == pending {
		_, _ = w.zw.Write(w.buf.Bytes())
	}
	w.mode = streamed
	w.releaseBuffer()
}

func (w *gzipResponseWriter) releaseBuffer() {
	if w.buf != nil {
		putBuffer(w.buf)
	}
	w.buf = nil
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		gzipBuffers.Put(b)
	}
}

func (w *gzipResponseWriter) Write(p []byte) (int, error) {
	if w.mode == undecided {
		w.WriteHeader(http.StatusOK)
	}
	switch w.mode {
	case plain:
		return w.ResponseWriter.Write(p)
	case pending:
		if w.buf.Len()+len(p) <= maxBufferedGzip {
			return w.buf.Write(p)
		}
		w.stream()
	case buffered:
		if w.written+len(p) > w.declared {
			return 0, http.ErrContentLength // as net/http answers a write past the length
		}
		w.written += len(p)
	}
	return w.zw.Write(p)
}

// Flush sends what is written so far. A buffered answer is sent whole at the end.
func (w *gzipResponseWriter) Flush() {
	if w.mode == undecided {
		w.WriteHeader(http.StatusOK) // as net/http does: a flush sends the header
	}
	if w.mode == pending {
		w.stream()
	}
	if w.mode == streamed {
		_ = w.zw.Flush()
	}
	if w.mode != buffered {
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
	}
}

func (w *gzipResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish ends the answer: a buffered one is sent gzipped with its length, a pending
// one gzipped the same way or, when short, as it is.
func (w *gzipResponseWriter) finish() {
	switch w.mode {
	case pending:
		if w.buf.Len() < minGzipSize {
			w.Header().Set("Content-Length", strconv.Itoa(w.buf.Len()))
			w.ResponseWriter.WriteHeader(w.status)
			_, _ = w.ResponseWriter.Write(w.buf.Bytes()) // a failed write: the client left
			w.releaseBuffer()
			return
		}
		raw := w.buf
		w.buf = gzipBuffers.Get().(*bytes.Buffer)
		w.startGzip(w.buf)
		_, _ = w.zw.Write(raw.Bytes()) // into memory: no error
		putBuffer(raw)
		w.sendBuffered()
	case buffered:
		if w.written < w.declared {
			// The handler promised more than it wrote (it failed half way): send
			// nothing, and let net/http drop the connection, so that the client sees
			// a failed answer rather than a short one that looks whole.
			w.releaseBuffer()
			w.releaseGzip()
			panic(http.ErrAbortHandler)
		}
		w.sendBuffered()
	case streamed:
		_ = w.zw.Close() // a failed write: the client left
		w.releaseGzip()
	}
}

// sendBuffered closes the gzip stream in buf and sends it with its length.
func (w *gzipResponseWriter) sendBuffered() {
	if err := w.zw.Close(); err == nil { // into memory: no error
		w.Header().Set("Content-Length", strconv.Itoa(w.buf.Len()))
		w.ResponseWriter.WriteHeader(w.status)
		_, _ = w.ResponseWriter.Write(w.buf.Bytes()) // a failed write: the client left
	}
	w.releaseBuffer()
	w.releaseGzip()
}

func (w *gzipResponseWriter) releaseGzip() {
	w.zw.Reset(nil)
	putGzipWriter(w.zw)
	w.zw = nil
}
