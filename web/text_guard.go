package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// refuseUnstorableText answers 400 to a request whose path, query or form holds text
// no page can show and PostgreSQL cannot store: a NUL character or bytes that are not
// UTF-8. Browsers never send either from a form, so only a crafted request meets this;
// without it, such text reached the database as a query argument and failed there.
func (s *Server) refuseUnstorableText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !storable(r.URL.Path) || !storableValues(r.URL.RawQuery) {
			s.h.BadRequest(w, r)
			return
		}
		if r.Body != nil && r.Method == http.MethodPost && isURLEncoded(r.Header.Get("Content-Type")) {
			// Read the (already size-limited) body, then hand the handler the same
			// bytes, followed by the same error if reading it failed: a body over the
			// limit is still answered 413 by the handler.
			body, err := io.ReadAll(r.Body)
			if err == nil && !storableValues(string(body)) {
				s.h.BadRequest(w, r)
				return
			}
			rest := io.Reader(bytes.NewReader(body))
			if err != nil {
				rest = io.MultiReader(rest, errReader{err})
			}
			r.Body = readCloser{rest, r.Body}
		}
		next.ServeHTTP(w, r)
	})
}

func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// storableValues checks every key and value of an URL-encoded string. One that does
// not parse is left for the handler to refuse as it always has.
func storableValues(encoded string) bool {
	if encoded == "" {
		return true
	}
	values, err := url.ParseQuery(encoded)
	if err != nil {
		return true
	}
	for k, vs := range values {
		if !storable(k) {
			return false
		}
		for _, v := range vs {
			if !storable(v) {
				return false
			}
		}
	}
	return true
}

func isURLEncoded(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readCloser reads from r and closes the original body.
type readCloser struct {
	io.Reader
	io.Closer
}
