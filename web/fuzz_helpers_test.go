package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/html"

	"kmsconsole/pricing"
	"kmsconsole/store"
)

// The fuzz targets of this package send each input through the real router, in
// process, to a server built once per target on a real SQLite store. Their common
// property: no input gets a 5xx (a panic would be a 500, by the recover middleware),
// and no input puts markup of its own into a page.

// fuzzStore opens a store in a temporary directory with one enabled rep,
// rep@example.com, whose password is repPassword (hashed at bcrypt's least cost, to
// keep sign-ins quick).
func fuzzStore(f *testing.F) store.Store {
	f.Helper()
	st, err := store.Open(context.Background(), f.TempDir(), "", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	hash, err := bcrypt.GenerateFromPassword([]byte(repPassword), bcrypt.MinCost)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.AddUser(context.Background(), "rep@example.com", hash); err != nil {
		f.Fatal(err)
	}
	return st
}

// fuzzServerOn builds the server as main does on st, with the embedded price book.
func fuzzServerOn(f *testing.F, st store.Store) (*Server, *logBuffer) {
	f.Helper()
	book, err := pricing.EmbeddedBook()
	if err != nil {
		f.Fatal(err)
	}
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))
	return newServerWith(f, log, book, st), logs
}

// fuzzServe sends one request through h and returns the response, its log reset first.
func fuzzServe(h http.Handler, logs *logBuffer, r *http.Request) *httptest.ResponseRecorder {
	logs.reset()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// fuzzFormPost is a same-origin form post, as a browser sends it from one of our
// pages.
func fuzzFormPost(path, body string, cookies []*http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

// fuzzCheck fails on a 5xx, and checks any HTML page with fuzzCheckHTML.
func fuzzCheck(t *testing.T, w *httptest.ResponseRecorder, logs *logBuffer) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("status %d\nlog: %s\nbody: %.500s", w.Code, logs, w.Body.String())
	}
	if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		fuzzCheckHTML(t, w.Body.Bytes())
	}
}

// fuzzCheckHTML fails when a page holds markup no template writes: a script other
// than our own hashed assets, an element that loads or runs something, an event
// handler attribute, or a javascript: URL. The templates write none of these (the
// CSP would refuse them anyway), so one can only come from the input. The text
// "<script" must not appear unescaped anywhere else either (in a textarea, say).
func fuzzCheckHTML(t *testing.T, body []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("page does not parse: %v", err)
	}
	scripts := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "script":
			scripts++
			if src := fuzzAttr(n, "src"); !strings.HasPrefix(src, "/static/") {
				t.Fatalf("a script that is not ours (src %q) in:\n%s", src, fuzzSnippet(n))
			}
		case "iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "foreignObject":
			t.Fatalf("a <%s> element in:\n%s", n.Data, fuzzSnippet(n))
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") {
				t.Fatalf("an event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			switch k {
			case "href", "src", "action", "formaction", "xlink:href":
				if v := strings.ToLower(strings.TrimSpace(a.Val)); strings.HasPrefix(v, "javascript:") {
					t.Fatalf("a javascript: URL in %s of <%s>: %q", a.Key, n.Data, a.Val)
				}
			}
		}
	}
	if raw := bytes.Count(bytes.ToLower(body), []byte("<script")); raw != scripts {
		t.Fatalf("%d unescaped \"<script\" in the page, but only %d script elements", raw, scripts)
	}
}

func fuzzAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func fuzzSnippet(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()[:min(b.Len(), 500)]
}

// fuzzCookies returns the cookies a response sets.
func fuzzCookies(w *httptest.ResponseRecorder) []*http.Cookie { return w.Result().Cookies() }
