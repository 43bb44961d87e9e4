package static

import (
	"net/http"
	"strconv"
	"strings"
)

const (
	// cacheImmutable is for a URL whose hash matches the content: that URL's content
	// can never change.
	cacheImmutable = "public, max-age=31536000, immutable"
	// cacheRevalidate is for every other URL of a known file (no hash, or the hash of
	// an older build): the content behind it can change, so caches ask again each time,
	// which the ETag makes a cheap 304.
	cacheRevalidate = "no-cache"
)

// Handler serves the assets under Prefix. A path that names no asset goes to notFound.
//
// A URL with an outdated hash still gets the current file, with cacheRevalidate:
// during a deploy, or from a page cached before it, a stylesheet that is one version
// newer is far better than an unstyled page, and the short cache keeps the old URL
// from holding the new content for a year.
func (a *Assets) Handler(notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _ := strings.CutPrefix(r.URL.Path, Prefix)
		f, cache := a.lookup(name)
		if f == nil {
			notFound.ServeHTTP(w, r)
			return
		}
		serve(w, r, f, cache)
	})
}

func (a *Assets) lookup(name string) (*asset, string) {
	if f, ok := a.byHashed[name]; ok {
		return f, cacheImmutable
	}
	if f, ok := a.byName[name]; ok {
		return f, cacheRevalidate
	}
	if plain, ok := withoutHash(name); ok {
		if f, ok := a.byName[plain]; ok {
			return f, cacheRevalidate
		}
	}
	return nil, ""
}

// serve writes f, or 304 when the client already has it. The ETag is weak because the
// gzip middleware may re-encode the body, and a strong validator would have to differ
// per encoding. Range requests are not supported: the files are small, and byte ranges
// of a body that is then gzipped would be wrong.
func serve(w http.ResponseWriter, r *http.Request, f *asset, cache string) {
	etag := `W/"` + f.hash + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cache)
	// The gzip middleware says this on the 200s it compresses; a 304 must say it too
	// (RFC 9110 section 15.4.5), and only the file knows it is a file.
	h.Set("Vary", "Accept-Encoding")
	if noneMatch(r.Header.Get("If-None-Match"), f.hash) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	w.WriteHeader(http.StatusOK)
	// Written for HEAD too: net/http drops the bytes but counts them, so a HEAD through
	// the gzip middleware reports the same Content-Length as the GET.
	_, _ = w.Write(f.body) // a failed write means the client went away
}

// noneMatch reports whether an If-None-Match header matches hash, comparing weakly
// as RFC 9110 asks for this header.
func noneMatch(header, hash string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.Trim(strings.TrimPrefix(tag, "W/"), `"`) == hash {
			return true
		}
	}
	return false
}
