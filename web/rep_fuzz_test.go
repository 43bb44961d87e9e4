package web

import (
	"context"
	"crypto/rand"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

// fuzzRepFixture is a server on a fuzz store with a signed-in rep, one quote the rep
// saved and one order a buyer placed: what the rep's pages, the order page and the
// rep's forms need to reach past their 404s.
type fuzzRepFixture struct {
	s       *Server
	logs    *logBuffer
	st      store.Store
	repID   string
	rep     []*http.Cookie // the signed-in rep's session
	quote   string         // qte_…
	order   string         // ord_…, submitted
	viewKey string         // the order's private link key
}

func newFuzzRepFixture(f *testing.F) fuzzRepFixture {
	f.Helper()
	st := fuzzStore(f)
	s, logs := fuzzServerOn(f, st)
	x := fuzzRepFixture{s: s, logs: logs, st: st}
	u, err := st.UserByEmail(context.Background(), "rep@example.com")
	if err != nil {
		f.Fatal(err)
	}
	x.repID = u.ID

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
	o, err := st.Order(context.Background(), x.order)
	if err != nil || o.ViewKey == "" {
		f.Fatalf("the placed order: %v, private link key %q", err, o.ViewKey)
	}
	x.viewKey = o.ViewKey
	return x
}

// fuzzSignInNext is the sign-in form's hidden "next" field.
var fuzzSignInNext = regexp.MustCompile(`<input type="hidden" name="next" value="([^"]*)"`)

// FuzzRepQuery sends any raw query string to the pages of reps, the order page and
// the sign-in page (which of them: page modulo their number), the way
// FuzzEstimatorQuery does to the estimators: never a 5xx, nothing of the query shown as
// markup, a 400 only for text that cannot be stored, JSON from the API, the order
// page only with its private link's key, and sign-in sending the rep on to this site
// only.
func FuzzRepQuery(f *testing.F) {
	x := newFuzzRepFixture(f)
	pages := []struct {
		path  string
		asRep bool // sent with the rep's session; without any session otherwise
	}{
		{"/desk", true},                   // 0: filters, search, page
		{"/api/v1/orders", true},          // 1: the desk's filters, as JSON
		{"/quotes", true},                 // 2: search, page
		{"/quotes/preview", true},         // 3: the builder's lines
		{"/quotes/" + x.quote, true},      // 4: saved=
		{"/desk/orders/" + x.order, true}, // 5: from=, done=
		{"/orders/" + x.order, false},     // 6: key= (the private link), no session
		{"/signin", false},                // 7: next=
	}
	for _, seed := range []struct {
		page  uint8
		query string
	}{
		{0, "q=ada&status=submitted&product=ssm&region=ap-tokyo&from=2026-01-01&to=2026-12-31&page=2"},
		{0, "q=%27%3B+DROP+TABLE+orders%3B--&status=%3Cscript%3E&page=-1"},
		{1, "status=confirmed&rep=rep%40example.com&from=2026-02-30"},
		{1, "from=9999-99-99&to=0000-00-00&page=99999999999999999999"},
		{2, "q=acme&page=1"},
		{2, "q=%25&page=0&page=2"},
		{3, "items.0.product=ssm&items.0.region=ap-tokyo&items.0.credentials=2500&items.1.product=kms&items.1.customer_keys=3"},
		{3, "items.99999.product=kms&items.-1.region=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"},
		{4, "saved=2"},
		{4, "saved=%3Cscript%3Ealert(1)%3C%2Fscript%3E"},
		{5, "from=q%3Dada%26page%3D2&done=confirmed"},
		{5, "from=javascript%3Aalert(1)&done=%3Cb%3Ex"},
		{5, "from=%zz"},
		{6, "key=" + url.QueryEscape(x.viewKey)},
		{6, "key=" + url.QueryEscape(x.viewKey) + "&key=AAAA"},
		{6, "key=AAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{6, "key=%00%FF&key="},
		{7, "next=%2Fdesk%3Fq%3Dada"},
		{7, "next=javascript%3Aalert(1)"},
		{7, "next=%2F%2Fevil.example"},
		{0, ""},
		{0, "%zz=1&;a=b&&=&a"},
	} {
		f.Add(seed.page, seed.query)
	}
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
		values, _ := url.ParseQuery(query) // as the handlers read it: the pairs that parse
		switch {
		case w.Code == http.StatusBadRequest:
			if storableValues(query) {
				t.Fatalf("%s?%s: 400 for a query of storable text: %.300s", p.path, query, w.Body.String())
			}
		case p.path == "/orders/"+x.order:
			if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[values.Get("key") == x.viewKey]; w.Code != want {
				t.Fatalf("%s?%s: status %d, want %d (the private link's key is %q)", p.path, query, w.Code, want, x.viewKey)
			}
		case p.path == "/api/v1/orders" && w.Code == http.StatusUnprocessableEntity: // a date that is not one
		case w.Code != http.StatusOK:
			t.Fatalf("%s?%s: status %d: %.300s", p.path, query, w.Code, w.Body.String())
		}
		if strings.HasPrefix(p.path, "/api/") && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s?%s: %d as %q, want JSON", p.path, query, w.Code, w.Header().Get("Content-Type"))
		}
		if p.path == "/signin" && w.Code == http.StatusOK {
			m := fuzzSignInNext.FindStringSubmatch(w.Body.String())
			if m == nil {
				t.Fatalf("/signin?%s: no next field in the form", query)
			}
			if next := html.UnescapeString(m[1]); next != "" && !fuzzSameSite(next) {
				t.Fatalf("/signin?%s: the form would send the rep on to %q: another site", query, next)
			}
		}
	})
}

// FuzzRepForms posts any form body to the forms of reps that FuzzQuoteBuilder does
// not reach (which of them: form modulo their number): an order's status change, a
// share link of a quote, and a saved quote's builder, which reads the version the
// edit began from. Each input gets an order and a quote of its own, made in the
// store, so what one input does cannot change what the next one meets (a finding
// replays alone as it failed). Never a 5xx, nothing typed shown as markup, only the
// statuses each form can answer, and a redirect only to the form's own page.
func FuzzRepForms(f *testing.F) {
	x := newFuzzRepFixture(f)
	edit := builderForm("Acme KMS")
	edit.Set("action", "save")
	edit.Set("after", "1")
	for _, seed := range []struct {
		form uint8
		body string
	}{
		{0, "to=confirmed&reason=Paid+by+wire&from=q%3Dada%26page%3D2"},
		{0, "to=cancelled&reason=Customer+asked"},
		{0, "to=confirmed&reason=%3Cscript%3Ealert(1)%3C%2Fscript%3E&from=javascript%3Aalert(1)"},
		{0, "to=submitted&reason=x"},
		{0, "to=confirmed&reason=%00%FF&from=%zz"},
		{0, ""},
		{1, "version=1"},
		{1, "version=-1&version=2"},
		{1, ""},
		{2, edit.Encode()},
		{2, strings.Replace(edit.Encode(), "after=1", "after=99999999999999999999", 1)},
		{2, "action=add:kms&after=1"},
	} {
		f.Add(seed.form, seed.body)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, form uint8, body string) {
		o, _, err := x.st.PlaceOrder(ctx, storetest.SampleOrder("fuzz-buyer", rand.Text()))
		if err != nil {
			t.Fatal(err)
		}
		q, _, err := x.st.SaveQuote(ctx, "", 0, storetest.SampleQuoteVersion(x.repID))
		if err != nil {
			t.Fatal(err)
		}
		var path, redirect string // where a 303 may send the rep: that, then "?", "#" or nothing
		var answers []int         // the other statuses the form can answer
		switch form % 3 {
		case 0:
			path, redirect = "/desk/orders/"+o.ID+"/status", "/desk/orders/"+o.ID
			answers = []int{http.StatusBadRequest, http.StatusUnprocessableEntity} // a status it cannot take; no reason, or too long
		case 1:
			path, redirect = "/quotes/"+q.ID+"/shares", "/quotes/"+q.ID
			answers = []int{http.StatusBadRequest} // not a version of the quote
		case 2:
			path, redirect = "/quotes/"+q.ID, "/quotes/"+q.ID
			answers = []int{http.StatusOK, http.StatusUnprocessableEntity, http.StatusConflict} // shown again, refused, or not from version 1
		}
		w := fuzzServe(x.s, x.logs, fuzzFormPost(path, body, x.rep))
		fuzzCheck(t, w, x.logs)
		_, parseErr := url.ParseQuery(body)
		switch {
		case w.Code == http.StatusSeeOther:
			loc := w.Header().Get("Location")
			if rest, ok := strings.CutPrefix(loc, redirect); !ok || rest != "" && rest[0] != '?' && rest[0] != '#' {
				t.Fatalf("%s: sent to %q, want %s", path, loc, redirect)
			}
		case w.Code == http.StatusRequestEntityTooLarge:
		case w.Code == http.StatusBadRequest && (parseErr != nil || !storableValues(body)):
		case !slices.Contains(answers, w.Code):
			t.Fatalf("%s: status %d: %.300s", path, w.Code, w.Body.String())
		}
	})
}
