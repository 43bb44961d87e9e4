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

// refuseUnstorableText answers 400 (a page, or JSON on the API) to a request whose
// path, query or form holds text no page can show and PostgreSQL cannot store: a NUL
// character or bytes that are not UTF-8. Browsers never send either from a form, so
// only a crafted request meets this; without it, such text reached the database as a
// query argument and failed there.
func (s *Server) refuseUnstorableText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !storable(r.URL.Path) || !storableValues(r.URL.RawQuery) {
			s.h.UnstorableText(w, r)
			return
		}
		if r.Body != nil && r.Method == http.MethodPost && isURLEncoded(r.Header.Get("Content-Type")) {
			// Read the (already size-limited) body, then hand the handler the same
			// bytes, followed by the same error if reading it failed: a body over the
			// limit is still answered 413 by the handler.
			body, err := io.ReadAll(r.Body)
			if err == nil && !storableValues(string(body)) {
				s.h.UnstorableText(w, r)
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

// storableValues checks every key and value of an URL-encoded string, as
// url.ParseQuery reads them (which is how handlers read them), without building the
// map. A pair that does not parse (a bad escape, a semicolon) is skipped,
// as ParseQuery skips it: the handler never sees it. Every other pair is checked even
// when one did not parse: the guard used to give up on the whole string then, so a
// NUL next to a bad escape reached the handlers. (Past ParseQuery's limit of 10,000
// pairs it keeps none, while this still refuses a NUL: stricter, never looser.)
func storableValues(encoded string) bool {
	for encoded != "" {
		var pair string
		pair, encoded, _ = strings.Cut(encoded, "&")
		if strings.Contains(pair, ";") {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, kerr := unescapeQuery(key)
		value, verr := unescapeQuery(value)
		if kerr != nil || verr != nil {
			continue
		}
		if !storable(key) || !storable(value) {
			return false
		}
	}
	return true
}

// unescapeQuery is url.QueryUnescape, without a copy for text with no escape.
func unescapeQuery(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	return url.QueryUnescape(s)
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
