package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// fuzzRepFixture is a server on a fuzz store with a signed-in rep, one quote the rep
// saved and one order a buyer placed: what the rep's pages, the order page and the
// rep's forms need to reach past their 404s.
type fuzzRepFixture struct {
	s     *Server
	logs  *logBuffer
	rep   []*http.Cookie // the signed-in rep's session
	quote string         // qte_…
	order string         // ord_…, submitted
}

func newFuzzRepFixture(f *testing.F) fuzzRepFixture {
	f.Helper()
	s, logs := fuzzServerOn(f, fuzzStore(f))
	x := fuzzRepFixture{s: s, logs: logs}

	signIn := fuzzServe(s, logs, fuzzFormPost("/signin",
		url.Values{"email": {"rep@example.com"}, "password": {repPassword}}.Encode(), nil))
	if x.rep = fuzzCookies(signIn); signIn.Code != http.StatusSeeOther || len(x.rep) == 0 {
		f.Fatalf("sign in: %d, cookies %v", signIn.Code, x.rep)
	}

	form := builderForm("Acme KMS")
	form.Set("action", "save")
	saved := fuzzServe(s, logs, fuzzFormPost("/quotes/new", form.Encode(), x.rep))
	x.quote = strings.TrimPrefix(saved.Header().Get("Location"), "/quotes/")
	x.quote, _, _ = strings.Cut(x.quote, "?")
	if saved.Code != http.StatusSeeOther || !strings.HasPrefix(x.quote, "qte_") {
		f.Fatalf("save a quote: %d to %q\nlog: %s", saved.Code, saved.Header().Get("Location"), logs)
	}

	review := fuzzServe(s, logs, httptest.NewRequest(http.MethodGet,
		"/purchase/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1", nil))
	order := url.Values{}
	for _, m := range fuzzReviewHidden.FindAllStringSubmatch(review.Body.String(), -1) {
		order.Set(m[1], html.UnescapeString(m[2]))
	}
	order.Set("account_id", "100012345678")
	order.Set("contact_name", "Ada Lovelace")
	order.Set("contact_email", "ada@example.com")
	order.Set("accept_terms", "yes")
	placed := fuzzServe(s, logs, fuzzFormPost("/orders", order.Encode(), fuzzCookies(review)))
	x.order = strings.TrimPrefix(placed.Header().Get("Location"), "/orders/")
	x.order, _, _ = strings.Cut(x.order, "?")
	if placed.Code != http.StatusSeeOther || !strings.HasPrefix(x.order, "ord_") {
		f.Fatalf("place an order: %d to %q\nlog: %s", placed.Code, placed.Header().Get("Location"), logs)
	}
	return x
}

// fuzzRepQuery is one page that reads its query string, and what a query can get
// there besides a page (200) and a 400 for text that cannot be stored.
type fuzzRepQuery struct {
	path    string
	asRep   bool // sent with the rep's session; without any session otherwise
	answers []int
}

func (x fuzzRepFixture) queryPages() []fuzzRepQuery {
	return []fuzzRepQuery{
		{"/desk", true, nil}, // filters, search, page
		{"/api/v1/orders", true, []int{http.StatusUnprocessableEntity}}, // the desk's filters, as JSON
		{"/quotes", true, nil},                                                    // search, page
		{"/quotes/preview", true, nil},                                            // the builder's lines
		{"/quotes/" + x.quote, true, nil},                                         // saved=
		{"/desk/orders/" + x.order, true, nil},                                    // from=, done=
		{"/orders/" + x.order, false, []int{http.StatusNotFound}},                 // key= (the private link)
		{"/signin", false, nil},                                                   // next=
		{"/quotes/" + x.quote + "/v/1/print", true, nil},                          // reads no query: a control
		{"/desk/orders/" + x.order + "/status", true, []int{http.StatusSeeOther}}, // the status form's page
	}
}

// FuzzRepQuery sends any raw query string to the pages of reps, the order page and
// the sign-in page (which of them: page modulo their number), the way FuzzEstimatorQuery
// does to the estimators: never a 5xx, nothing of the query shown as markup, a 400
// only for text that cannot be stored, and JSON from the API.
func FuzzRepQuery(f *testing.F) {
	for i, q := range []string{
		"q=ada&status=submitted&product=ssm&region=ap-tokyo&from=2026-01-01&to=2026-12-31&page=2",
		"status=confirmed&rep=rep%40example.com&from=2026-02-30",
		"q=acme&page=1",
		"items.0.product=ssm&items.0.region=ap-tokyo&items.0.credentials=2500&items.1.product=kms&items.1.customer_keys=3",
		"saved=2",
		"from=q%3Dada%26page%3D2&done=confirmed",
		"key=AAAAAAAAAAAAAAAAAAAAAAAAAA",
		"next=%2Fdesk%3Fq%3Dada",
		"",
		"from=status%3Dsubmitted",
	} {
		f.Add(uint8(i), q)
	}
	for i, q := range []string{
		"q=%27%3B+DROP+TABLE+orders%3B--&status=%3Cscript%3E&page=-1",
		"from=9999-99-99&to=0000-00-00&page=99999999999999999999",
		"q=%25&page=0&page=2",
		"items.99999.product=kms&items.-1.region=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
		"saved=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"from=javascript%3Aalert(1)&done=%3Cb%3Ex",
		"key=%00%FF&key=",
		"next=javascript%3Aalert(1)",
		"%zz=1&;a=b&&=&a",
		"from=%zz",
	} {
		f.Add(uint8(i), q)
	}
	x := newFuzzRepFixture(f)
	pages := x.queryPages()
	f.Fuzz(func(t *testing.T, page uint8, query string) {
		p := pages[int(page)%len(pages)]
		r := httptest.NewRequest(http.MethodGet, p.path, nil)
		r.URL.RawQuery = query
		r.RequestURI = p.path + "?" + query
		if p.asRep {
			for _, c := range x.rep {
				r.AddCookie(c)
			}
		}
		w := fuzzServe(x.s, x.logs, r)
		fuzzCheck(t, w, x.logs)
		switch {
		case w.Code == http.StatusOK:
		case w.Code == http.StatusBadRequest:
			if storableValues(query) {
				t.Fatalf("%s?%s: 400 for a query of storable text: %.300s", p.path, query, w.Body.String())
			}
		case !slices.Contains(p.answers, w.Code):
			t.Fatalf("%s?%s: status %d: %.300s", p.path, query, w.Code, w.Body.String())
		}
		if strings.HasPrefix(p.path, "/api/") && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s?%s: %d as %q, want JSON", p.path, query, w.Code, w.Header().Get("Content-Type"))
		}
	})
}

// FuzzRepForms posts any form body to the forms of reps that FuzzQuoteBuilder does
// not reach (which of them: form modulo their number): an order's status change, a
// share link of a quote, and a saved quote's builder, which reads the version the
// edit began from. Never a 5xx, nothing typed shown as markup, and a redirect only
// to the page the form belongs to.
func FuzzRepForms(f *testing.F) {
	edit := builderForm("Acme KMS")
	edit.Set("action", "save")
	edit.Set("after", "1")
	for i, body := range []string{
		"to=confirmed&reason=Paid+by+wire&from=q%3Dada%26page%3D2",
		"version=1",
		edit.Encode(),
		"to=cancelled&reason=Customer+asked",
		"",
	} {
		f.Add(uint8(i), body)
	}
	for i, body := range []string{
		"to=confirmed&reason=%3Cscript%3Ealert(1)%3C%2Fscript%3E&from=javascript%3Aalert(1)",
		"version=-1&version=2",
		strings.Replace(edit.Encode(), "after=1", "after=99999999999999999999", 1),
		"to=submitted&reason=x",
		"to=confirmed&reason=%00%FF&from=%zz",
	} {
		f.Add(uint8(i), body)
	}
	x := newFuzzRepFixture(f)
	forms := []struct {
		path, redirect string // where a 303 may send the rep
	}{
		{"/desk/orders/" + x.order + "/status", "/desk/orders/" + x.order + "?"},
		{"/quotes/" + x.quote + "/shares", "/quotes/" + x.quote},
		{"/quotes/" + x.quote, "/quotes/" + x.quote},
	}
	f.Fuzz(func(t *testing.T, form uint8, body string) {
		p := forms[int(form)%len(forms)]
		w := fuzzServe(x.s, x.logs, fuzzFormPost(p.path, body, x.rep))
		fuzzCheck(t, w, x.logs)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity,
			http.StatusRequestEntityTooLarge:
		case http.StatusSeeOther:
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, p.redirect) {
				t.Fatalf("%s: sent to %q, want %s…", p.path, loc, p.redirect)
			}
		default:
			t.Fatalf("%s: status %d: %.300s", p.path, w.Code, w.Body.String())
		}
	})
}
