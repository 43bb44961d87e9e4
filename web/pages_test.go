package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"kmsconsole/pricing"
	"kmsconsole/store"
)

// link is an <a> of a page: its text as a reader sees it, and where it goes.
type link struct{ text, href string }

func parsePage(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// find returns every element named tag.
func find(doc *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	}
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func links(doc *html.Node) []link {
	var out []link
	for _, a := range find(doc, "a") {
		out = append(out, link{text(a), attr(a, "href")})
	}
	return out
}

func TestHomeLinksToBothEstimators(t *testing.T) {
	s, _ := newTestServer(t)
	w := get(s, "/")
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	want := map[string]string{"Secrets Manager": "/ssm", "Key Management Service": "/kms"}
	for name, href := range want {
		var matches []link
		for _, l := range links(parsePage(t, w.Body.String())) {
			// Any link whose name contains the service name would make a
			// getByRole('link', {name}) lookup ambiguous, so count those too.
			if strings.Contains(l.text, name) {
				matches = append(matches, l)
			}
		}
		if len(matches) != 1 || matches[0] != (link{name, href}) {
			t.Errorf("links named %q: %v, want exactly one to %s", name, matches, href)
		}
	}
}

func TestLayoutIsAccessibleAndLinksHashedAssets(t *testing.T) {
	s, _ := newTestServer(t)
	doc := parsePage(t, get(s, "/").Body.String())

	if got := attr(find(doc, "html")[0], "lang"); got != "en" {
		t.Errorf("lang = %q", got)
	}
	metas := map[string]string{}
	for _, m := range find(doc, "meta") {
		metas[attr(m, "name")] = attr(m, "content")
	}
	if !strings.Contains(metas["viewport"], "width=device-width") || metas["description"] == "" {
		t.Errorf("meta viewport/description missing: %v", metas)
	}
	if mains := find(doc, "main"); len(mains) != 1 || attr(mains[0], "id") != "main" {
		t.Error(`want one <main id="main">`)
	}
	if l := links(doc); len(l) == 0 || l[0] != (link{"Skip to main content", "#main"}) {
		t.Errorf("the first link is not the skip link: %v", l)
	}
	if brand := links(doc)[1]; brand.href != "/" {
		t.Errorf("the header's product name does not link home: %v", brand)
	}
	if len(find(doc, "header")) != 1 || len(find(doc, "nav")) != 1 || len(find(doc, "footer")) != 1 {
		t.Error("want one header, nav and footer")
	}

	var assets []string
	for _, l := range find(doc, "link") {
		if attr(l, "rel") == "stylesheet" || attr(l, "rel") == "icon" {
			assets = append(assets, attr(l, "href"))
		}
	}
	for _, sc := range find(doc, "script") {
		if _, deferred := hasAttr(sc, "defer"); !deferred {
			t.Errorf("script %s is not deferred", attr(sc, "src"))
		}
		assets = append(assets, attr(sc, "src"))
	}
	if len(assets) != 3 {
		t.Fatalf("assets = %v, want stylesheet, icon and script", assets)
	}
	for _, a := range assets {
		w := get(s, a)
		if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: %d, Cache-Control %q", a, w.Code, w.Header().Get("Cache-Control"))
		}
	}
}

func hasAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func TestHealthzAnswersOK(t *testing.T) {
	s, _ := newTestServer(t)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		w := do(s, method, "/healthz", nil, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status = %d", method, w.Code)
		}
		if method == http.MethodGet && w.Body.String() != "ok" {
			t.Errorf("body = %q, want ok", w.Body.String())
		}
	}
}

func TestUnknownPathGetsTheNotFoundPage(t *testing.T) {
	s, _ := newTestServer(t)
	for _, path := range []string{"/no-such-page", "/static/css/none.css"} {
		w := get(s, path)
		if w.Code != http.StatusNotFound {
			t.Fatalf("%s: status = %d", path, w.Code)
		}
		doc := parsePage(t, w.Body.String())
		if h1 := find(doc, "h1"); len(h1) != 1 || text(h1[0]) != "Page not found" {
			t.Errorf("%s: not the 404 page:\n%s", path, w.Body.String())
		}
	}
}

func TestWrongMethodGetsTheMethodNotAllowedPage(t *testing.T) {
	s, _ := newTestServer(t)
	w := do(s, http.MethodPost, "/", nil, strings.NewReader("x=1"))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d", w.Code)
	}
	if got := w.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow = %q, want GET, HEAD", got)
	}
	doc := parsePage(t, w.Body.String())
	if h1 := find(doc, "h1"); len(h1) != 1 || text(h1[0]) != "This page cannot do that" {
		t.Errorf("not the 405 page:\n%s", w.Body.String())
	}
}

func TestFooterNamesThePriceBookInForce(t *testing.T) {
	s, _ := newTestServer(t)
	doc := pageOK(t, s, "/")
	if got := oneTestID(t, doc, "footer-price-book"); got != "Price book 2025-03-26.1, effective 2025-03-26." {
		t.Errorf("footer %q", got)
	}
}

func TestReadyzFollowsTheDatabaseAndTheDrain(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	book, _ := pricing.EmbeddedBook()
	s := newServerWith(t, slog.New(slog.DiscardHandler), book, st)
	if w := get(s, "/readyz"); w.Code != http.StatusOK || w.Body.String() != "ready" {
		t.Errorf("ready: %d %q", w.Code, w.Body.String())
	}
	st.Close() // the database goes away
	if w := get(s, "/readyz"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "database") {
		t.Errorf("without a database: %d %q", w.Code, w.Body.String())
	}
	if w := get(s, "/healthz"); w.Code != http.StatusOK {
		t.Errorf("the process can still serve: %d", w.Code)
	}
	s.h.Drain()
	if w := get(s, "/readyz"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "draining") {
		t.Errorf("draining: %d %q", w.Code, w.Body.String())
	}
}
