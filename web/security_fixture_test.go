package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
)

// secFixture is a console with something behind every route: an order of a buyer,
// another customer's order, a rep's saved quote and its share link, and a rep who is
// disabled while signed in. The names and notes are markers that only the pages
// allowed to show them contain.
type secFixture struct {
	t      *testing.T
	s      *Server
	srv    *httptest.Server
	st     store.Store
	secure bool

	buyer, other      *testserver.Client // two customers, each with an order
	order, otherOrder string
	quote, version    string // a saved quote and its version
	token             string // its share link
}

// The markers: data of the fixture's order and quote that no refused answer may show.
const (
	markBuyerName    = "Marker Buyer Q7"
	markBuyerEmail   = "marker-q7@example.com"
	markBuyerAccount = "100077777777"
	markQuoteName    = "Marker Quote Z9"
	markCustomer     = "Marker Customer Z9"
	markNotes        = "marker notes z9"
	markQuoteAccount = "100099999999"
)

// laterRep signs in while enabled and is disabled afterwards (the "gone" rep of
// repStoreOn never signs in at all).
const laterRep = "later@example.com"

// newSecFixture builds the console on SQLite (databaseURL "") or PostgreSQL, served
// over TLS with Secure cookies when secure is set, as -secure-cookies does behind a
// TLS proxy.
func newSecFixture(t *testing.T, databaseURL string, secure bool) *secFixture {
	t.Helper()
	st := repStoreOn(t, databaseURL)
	hash, err := bcrypt.GenerateFromPassword([]byte(repPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddUser(context.Background(), laterRep, hash); err != nil {
		t.Fatal(err)
	}
	book, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	s := newServerWith(t, slog.New(slog.DiscardHandler), book, st)
	// What NewSessions(..., secure=true, ...) sets; the manager is the one the
	// handlers use, so every cookie the console writes follows it.
	s.sessions.Cookie.Secure = secure
	f := &secFixture{t: t, s: s, st: st, secure: secure}
	if secure {
		f.srv = httptest.NewTLSServer(s)
	} else {
		f.srv = httptest.NewServer(s)
	}
	t.Cleanup(f.srv.Close)

	f.buyer = f.client()
	form := f.buyer.ReviewForm(tokyoAnnual)
	form.Set("account_id", markBuyerAccount)
	form.Set("contact_name", markBuyerName)
	form.Set("contact_email", markBuyerEmail)
	if f.order, err = f.buyer.PlaceOrder(form); err != nil {
		t.Fatal(err)
	}
	f.other = f.client()
	if f.otherOrder, err = f.other.PlaceOrder(f.other.ReviewForm("kms?region=ap-beijing&customer_keys=5")); err != nil {
		t.Fatal(err)
	}

	rep := f.rep()
	q := builderForm(markQuoteName)
	q.Set("customer_name", markCustomer)
	q.Set("customer_account_id", markQuoteAccount)
	q.Set("notes", markNotes)
	f.quote, f.version = saveQuote(t, rep, "/quotes/new", q)
	if code, _, _ := rep.Post("/quotes/"+f.quote+"/shares", url.Values{}, nil); code != http.StatusSeeOther {
		t.Fatalf("share: %d", code)
	}
	shares, err := st.SharesOf(context.Background(), f.quote)
	if err != nil || len(shares) != 1 {
		t.Fatalf("shares: %v %v", shares, err)
	}
	f.token = shares[0].Token
	return f
}

// client is a new browser session (over TLS when the fixture is).
func (f *secFixture) client() *testserver.Client {
	c := testserver.NewClient(f.t, f.srv.URL)
	if f.secure {
		c.HTTP.Transport = f.srv.Client().Transport
	}
	return c
}

// rep is a new browser session signed in as the enabled rep.
func (f *secFixture) rep() *testserver.Client {
	f.t.Helper()
	c := f.client()
	if code, _ := signIn(f.t, c, "rep@example.com", repPassword); code != http.StatusSeeOther {
		f.t.Fatalf("rep sign-in: %d", code)
	}
	return c
}

// disabledRep is a session that signed in as a rep who was then disabled.
func (f *secFixture) disabledRep() *testserver.Client {
	f.t.Helper()
	c := f.client()
	if code, _ := signIn(f.t, c, laterRep, repPassword); code != http.StatusSeeOther {
		f.t.Fatalf("sign-in before being disabled: %d", code)
	}
	if err := f.st.SetUserDisabled(context.Background(), laterRep, true); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// signedIn says whether c's session is a rep's: the desk opens.
func signedIn(c *testserver.Client) bool {
	code, _, _ := c.Get("/desk")
	return code == http.StatusOK
}

// secState is what a request could change: every order's status and history, every
// quote's versions and share links.
type secState struct {
	Orders   map[string]string   // ID: status
	Audit    map[string]int      // ID: entries
	Versions map[string]int      // quote ID: latest version
	Shares   map[string][]string // quote ID: tokens, revoked ones marked
}

func (f *secFixture) state() secState {
	f.t.Helper()
	ctx := context.Background()
	s := secState{Orders: map[string]string{}, Audit: map[string]int{}, Versions: map[string]int{}, Shares: map[string][]string{}}
	orders, _, err := f.st.ListOrders(ctx, store.OrderFilter{Limit: store.MaxDeskOrdersPerPage})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, o := range orders {
		s.Orders[o.ID] = o.Status + " " + o.ViewKey
		audit, err := f.st.OrderAudit(ctx, o.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		s.Audit[o.ID] = len(audit)
	}
	quotes, _, err := f.st.ListQuotes(ctx, "", 0, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, q := range quotes {
		s.Versions[q.ID] = q.Version
		shares, err := f.st.SharesOf(ctx, q.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, sh := range shares {
			if !sh.RevokedAt.IsZero() {
				sh.Token += " (revoked)"
			}
			s.Shares[q.ID] = append(s.Shares[q.ID], sh.Token)
		}
	}
	return s
}

// committedRoutes reads testdata/routes.txt ("METHOD PATTERN" a line), which
// TestRoutesAreTheCommittedList holds equal to the router.
func committedRoutes(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/routes.txt")
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" {
			routes = append(routes, line)
		}
	}
	return routes
}

// caller is who a route is for.
type caller int

const (
	callerAnyone caller = iota // no sign-in (a share token or a review form is enough)
	callerOwner                // the browser session that placed the order
	callerRep                  // a signed-in, enabled sales rep
)

// routeCase says how to call one route of routes.txt as the caller it is for.
type routeCase struct {
	as   caller
	path func(f *secFixture) string
	// form, for a POST, is a form the route accepts from c (nil: an empty form).
	form func(f *secFixture, c *testserver.Client) url.Values
	json string // for a JSON POST instead of a form
	want int    // the status the caller it is for gets
	// data is what the answer to that caller shows and no one else's may.
	data func(f *secFixture) []string
	// lists says the route answers everyone with their own things only (My orders):
	// to another caller it is 200 without the data.
	lists bool
}

func fixedPath(p string) func(*secFixture) string { return func(*secFixture) string { return p } }

func markers(m ...string) func(*secFixture) []string { return func(*secFixture) []string { return m } }

func quotePath(suffix string) func(f *secFixture) string {
	return func(f *secFixture) string { return "/quotes/" + f.quote + suffix }
}

func versionPath(suffix string) func(f *secFixture) string {
	return func(f *secFixture) string { return "/quotes/" + f.quote + "/v/" + f.version + suffix }
}

func savedBuilderForm(name string) func(*secFixture, *testserver.Client) url.Values {
	return func(*secFixture, *testserver.Client) url.Values {
		form := builderForm(name)
		form.Set("action", "save")
		return form
	}
}

// securityRoutes is every route of testdata/routes.txt and how to call it. A route
// added to the router without a case here fails TestEveryRouteHasASecurityCase.
var securityRoutes = map[string]routeCase{
	"GET /":                   {as: callerAnyone, path: fixedPath("/"), want: 200},
	"GET /api/v1/orders":      {as: callerRep, path: fixedPath("/api/v1/orders"), want: 200, data: markers(markBuyerEmail, markBuyerAccount)},
	"GET /api/v1/price-book":  {as: callerAnyone, path: fixedPath("/api/v1/price-book"), want: 200},
	"GET /desk":               {as: callerRep, path: fixedPath("/desk"), want: 200, data: markers(markBuyerEmail, markBuyerAccount)},
	"GET /desk/orders/{id}":   {as: callerRep, path: func(f *secFixture) string { return "/desk/orders/" + f.order }, want: 200, data: markers(markBuyerName, markBuyerEmail)},
	"GET /healthz":            {as: callerAnyone, path: fixedPath("/healthz"), want: 200},
	"GET /kms":                {as: callerAnyone, path: fixedPath("/kms?region=ap-tokyo&customer_keys=3"), want: 200},
	"GET /kms/quote":          {as: callerAnyone, path: fixedPath("/kms/quote?region=ap-tokyo&customer_keys=3"), want: 200},
	"GET /orders":             {as: callerOwner, path: fixedPath("/orders"), want: 200, data: func(f *secFixture) []string { return []string{f.order} }, lists: true},
	"GET /orders/{id}":        {as: callerOwner, path: func(f *secFixture) string { return "/orders/" + f.order }, want: 200, data: markers(markBuyerName, markBuyerEmail, markBuyerAccount)},
	"GET /purchase/{product}": {as: callerAnyone, path: fixedPath("/purchase/" + tokyoAnnual), want: 200},
	"GET /quotes":             {as: callerRep, path: fixedPath("/quotes"), want: 200, data: markers(markQuoteName, markCustomer)},
	"GET /quotes/new":         {as: callerRep, path: fixedPath("/quotes/new"), want: 200},
	"GET /quotes/preview":     {as: callerRep, path: fixedPath("/quotes/preview?" + builderForm("x").Encode()), want: 200},
	"GET /quotes/{id}":        {as: callerRep, path: quotePath(""), want: 200, data: markers(markQuoteName, markCustomer, markNotes)},
	"GET /quotes/{id}/v/{version}": {as: callerRep, path: versionPath(""), want: 200,
		data: markers(markQuoteName, markCustomer, markNotes)},
	"GET /quotes/{id}/v/{version}/export.csv": {as: callerRep, path: versionPath("/export.csv"), want: 200,
		data: markers("Monthly total (USD)")},
	"GET /quotes/{id}/v/{version}/export.json": {as: callerRep, path: versionPath("/export.json"), want: 200,
		data: markers(`"totals"`)},
	"GET /quotes/{id}/v/{version}/print": {as: callerRep, path: versionPath("/print"), want: 200,
		data: markers(markQuoteName, markCustomer, markNotes)},
	"GET /desk/orders/{id}/status": {as: callerRep, path: func(f *secFixture) string { return "/desk/orders/" + f.order + "/status" },
		want: 303},
	"GET /readyz": {as: callerAnyone, path: fixedPath("/readyz"), want: 200},
	// A share link is a capability: its token is the right to see the quote.
	"GET /s/{token}":          {as: callerAnyone, path: func(f *secFixture) string { return "/s/" + f.token }, want: 200, data: markers(markQuoteName, markCustomer)},
	"GET /s/{token}/purchase": {as: callerAnyone, path: func(f *secFixture) string { return "/s/" + f.token + "/purchase" }, want: 200, data: markers(markQuoteAccount)},
	"GET /signin":             {as: callerAnyone, path: fixedPath("/signin?next=/quotes"), want: 200},
	"GET /ssm":                {as: callerAnyone, path: fixedPath("/" + tokyoAnnual), want: 200},
	"GET /ssm/quote":          {as: callerAnyone, path: fixedPath("/ssm/quote?region=ap-tokyo&credentials=100&billing=annual&term=1"), want: 200},
	"GET /static/*":           {as: callerAnyone, path: func(f *secFixture) string { return f.s.assets.Path("css/app.css") }, want: 200},

	"POST /api/v1/quotes": {as: callerAnyone, path: fixedPath("/api/v1/quotes"), json: issueExample, want: 200},
	"POST /desk/orders/{id}/status": {as: callerRep, path: func(f *secFixture) string { return "/desk/orders/" + f.order + "/status" },
		form: func(*secFixture, *testserver.Client) url.Values {
			return url.Values{"to": {"cancelled"}, "reason": {"the buyer asked"}}
		}, want: 303},
	"POST /orders": {as: callerAnyone, path: fixedPath("/orders"), form: func(_ *secFixture, c *testserver.Client) url.Values {
		return c.ReviewForm(tokyoAnnual + "&again=1")
	}, want: 303},
	"POST /orders/{id}/link": {as: callerOwner, path: func(f *secFixture) string { return "/orders/" + f.order + "/link" }, want: 303},
	"POST /quotes/new":       {as: callerRep, path: fixedPath("/quotes/new"), form: savedBuilderForm("Another quote"), want: 303},
	// Not the stored name: refused, the form comes back as sent, and must show nothing stored.
	"POST /quotes/{id}":                       {as: callerRep, path: quotePath(""), form: savedBuilderForm("Renamed quote"), want: 303},
	"POST /quotes/{id}/shares":                {as: callerRep, path: quotePath("/shares"), want: 303},
	"POST /quotes/{id}/shares/{token}/revoke": {as: callerRep, path: func(f *secFixture) string { return "/quotes/" + f.quote + "/shares/" + f.token + "/revoke" }, want: 303},
	"POST /signin": {as: callerAnyone, path: fixedPath("/signin"), form: func(*secFixture, *testserver.Client) url.Values {
		return url.Values{"email": {"rep@example.com"}, "password": {repPassword}, "next": {"/desk"}}
	}, want: 303},
	// Signing out is for anyone with a session; a rep's is the one worth protecting.
	"POST /signout": {as: callerAnyone, path: fixedPath("/signout"), want: 303},
}

// isRepRoute says, from the pattern alone, whether a route is a rep's: the desk, the
// quote builder and its exports, the order API. TestEveryRouteHasASecurityCase holds
// the case of every such route to be a rep's, so that a new one cannot skip the
// rights test by its case saying it is for anyone.
func isRepRoute(route string) bool {
	_, pattern, _ := strings.Cut(route, " ")
	return pattern == "/desk" || strings.HasPrefix(pattern, "/desk/") ||
		pattern == "/quotes" || strings.HasPrefix(pattern, "/quotes/") ||
		pattern == "/api/v1/orders" || strings.HasPrefix(pattern, "/api/v1/orders/")
}

// call sends the route's request from c, with extra headers.
func (f *secFixture) call(c *testserver.Client, route string, rc routeCase, header http.Header) (int, string, http.Header) {
	f.t.Helper()
	method, _, _ := strings.Cut(route, " ")
	path := rc.path(f)
	switch {
	case method == http.MethodGet:
		if len(header) == 0 {
			return c.Get(path)
		}
		req, err := http.NewRequest(method, c.Base+path, nil)
		if err != nil {
			f.t.Fatal(err)
		}
		return sendWith(f.t, c, req, header)
	case rc.json != "":
		req, err := http.NewRequest(method, c.Base+path, strings.NewReader(rc.json))
		if err != nil {
			f.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		return sendWith(f.t, c, req, header)
	}
	form := url.Values{}
	if rc.form != nil {
		form = rc.form(f, c)
	}
	return c.Post(path, form, header)
}

func sendWith(t *testing.T, c *testserver.Client, req *http.Request, header http.Header) (int, string, http.Header) {
	t.Helper()
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}
