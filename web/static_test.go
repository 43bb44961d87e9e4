package web

import (
	"net/http"
	"regexp"
	"testing"
)

func TestHashedAssetIsCachedForAYearWithAnETag(t *testing.T) {
	s, _ := newTestServer(t)
	css := s.assets.Path("css/app.css")
	if !regexp.MustCompile(`^/static/css/app\.[0-9a-f]{12}\.css$`).MatchString(css) {
		t.Fatalf("css path = %q", css)
	}

	w := get(s, css)
	if w.Code != http.StatusOK || w.Body.Len() == 0 {
		t.Fatalf("status = %d, %d bytes", w.Code, w.Body.Len())
	}
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	w = do(s, http.MethodGet, css, http.Header{"If-None-Match": {etag}}, nil)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: status = %d, %d bytes; want 304, empty", w.Code, w.Body.Len())
	}
	assertSecurityHeaders(t, w.Header())
}

func TestStaleAssetHashServesTheCurrentFileWithoutLongCache(t *testing.T) {
	s, _ := newTestServer(t)
	w := get(s, "/static/css/app.000000000000.css")
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d", w.Code)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", got)
	}
}
