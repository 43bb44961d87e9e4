package static

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"testing/fstest"
)

func testAssets(t *testing.T) *Assets {
	t.Helper()
	a, err := Load(fstest.MapFS{
		"css/app.css": {Data: []byte("body{color:#000}")},
		"js/app.js":   {Data: []byte(`"use strict";`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPathPutsTheContentHashInTheFileName(t *testing.T) {
	a := testAssets(t)
	got := a.Path("css/app.css")
	if !regexp.MustCompile(`^/static/css/app\.[0-9a-f]{12}\.css$`).MatchString(got) {
		t.Fatalf("Path = %q", got)
	}
	if a.Path("css/app.css") != got {
		t.Fatal("Path is not stable")
	}
}

func TestPathChangesWhenTheContentChanges(t *testing.T) {
	other, err := Load(fstest.MapFS{"css/app.css": {Data: []byte("body{color:#111}")}})
	if err != nil {
		t.Fatal(err)
	}
	if testAssets(t).Path("css/app.css") == other.Path("css/app.css") {
		t.Fatal("two contents share one URL")
	}
}

func TestPathOfAnUnknownAssetIsUnhashed(t *testing.T) {
	if got := testAssets(t).Path("css/missing.css"); got != "/static/css/missing.css" {
		t.Fatalf("Path = %q", got)
	}
}

func TestEmbeddedAssetsLoad(t *testing.T) {
	a, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"css/app.css", "js/app.js", "img/favicon.svg"} {
		if _, ok := a.byName[name]; !ok {
			t.Errorf("%s is not embedded", name)
		}
	}
}

func TestServingAssets(t *testing.T) {
	a := testAssets(t)
	css := a.Path("css/app.css")
	etag := `W/"` + a.byName["css/app.css"].hash + `"`
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot) // tells the test the fallback ran
	})

	tests := []struct {
		name        string
		path        string
		ifNoneMatch string
		status      int
		cache       string
		contentType string
	}{
		{"current hash is cached for a year", css, "", 200, cacheImmutable, "text/css; charset=utf-8"},
		{"javascript type", a.Path("js/app.js"), "", 200, cacheImmutable, "text/javascript; charset=utf-8"},
		{"matching ETag gives 304", css, etag, 304, cacheImmutable, ""},
		{"ETag among several gives 304", css, `"x", ` + etag, 304, cacheImmutable, ""},
		{"other ETag gives the file", css, `W/"000000000000"`, 200, cacheImmutable, "text/css; charset=utf-8"},
		{"stale hash still serves, revalidated", "/static/css/app.0123456789ab.css", "", 200, cacheRevalidate, "text/css; charset=utf-8"},
		{"unhashed name serves, revalidated", "/static/css/app.css", "", 200, cacheRevalidate, "text/css; charset=utf-8"},
		{"unknown file", "/static/css/other.css", "", http.StatusTeapot, "", ""},
		{"unknown file with a hash", "/static/css/other.0123456789ab.css", "", http.StatusTeapot, "", ""},
		{"directory", "/static/css", "", http.StatusTeapot, "", ""},
		{"parent path", "/static/../static.go", "", http.StatusTeapot, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.ifNoneMatch != "" {
				r.Header.Set("If-None-Match", tt.ifNoneMatch)
			}
			w := httptest.NewRecorder()
			a.Handler(notFound).ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if tt.status == 200 && w.Header().Get("ETag") != etag && tt.path != a.Path("js/app.js") {
				t.Errorf("ETag = %q, want %q", w.Header().Get("ETag"), etag)
			}
			if tt.status == 304 && w.Body.Len() != 0 {
				t.Errorf("304 with a body")
			}
		})
	}
}

func TestHeadAnswersLikeGet(t *testing.T) {
	a := testAssets(t)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		r := httptest.NewRequest(method, a.Path("css/app.css"), nil)
		w := httptest.NewRecorder()
		a.Handler(http.NotFoundHandler()).ServeHTTP(w, r)
		if w.Code != 200 || w.Header().Get("Content-Length") != "16" {
			t.Errorf("%s: status %d, Content-Length %q", method, w.Code, w.Header().Get("Content-Length"))
		}
	}
}
