package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"kmsconsole/internal/testserver"
)

// The security checks of issue 6, route by route: every route of
// testdata/routes.txt has a case in securityRoutes (security_fixture_test.go), and
// each test below walks them all, so a new route is checked as soon as it is listed.

func TestEveryRouteHasASecurityCase(t *testing.T) {
	listed := map[string]bool{}
	for _, route := range committedRoutes(t) {
		listed[route] = true
		rc, ok := securityRoutes[route]
		if !ok {
			t.Errorf("%s has no case in securityRoutes: say how to call it and who it is for", route)
			continue
		}
		if isRepRoute(route) != (rc.as == callerRep) {
			t.Errorf("%s: its path is a rep's (%v) but its case is for %v", route, isRepRoute(route), rc.as)
		}
	}
	for route := range securityRoutes {
		if !listed[route] {
			t.Errorf("securityRoutes has %s, which testdata/routes.txt does not list", route)
		}
	}
}

// assertSafeCookies checks every cookie an answer sets: out of reach of scripts
// (HttpOnly), not sent on cross-site subrequests (SameSite Lax or Strict), for the
// whole site (Path=/), and Secure when the console is told it is served over TLS.
func assertSafeCookies(t *testing.T, h http.Header, secure bool) int {
	t.Helper()
	lines := h.Values("Set-Cookie")
	for _, line := range lines {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Errorf("Set-Cookie %q: %v", line, err)
			continue
		}
		if !c.HttpOnly {
			t.Errorf("cookie %s is not HttpOnly: %q", c.Name, line)
		}
		if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s is not SameSite=Lax or Strict: %q", c.Name, line)
		}
		if c.Path != "/" {
			t.Errorf("cookie %s has Path %q, want /", c.Name, c.Path)
		}
		if secure && !c.Secure {
			t.Errorf("cookie %s is not Secure on a console with secure cookies: %q", c.Name, line)
		}
	}
	return len(lines)
}

// assertAllSecurityHeaders is assertSecurityHeaders with every header that
// security_headers.go promises, at its exact value.
func assertAllSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	assertSecurityHeaders(t, h)
	for k, v := range map[string]string{
		"Permissions-Policy":         permissionsPolicy,
		"Cross-Origin-Opener-Policy": "same-origin",
	} {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// publicAnswers are the routes whose answers hold nothing of anyone's: the estimators'
// pages and fragments, the price book, the quote API, health checks and assets. Every
// other route (a session's pages, forms with a one-time key, sign-in, the rep's pages)
// must answer no-store, so a new route is held to it unless it is listed here.
var publicAnswers = map[string]bool{
	"GET /": true, "GET /ssm": true, "GET /ssm/quote": true, "GET /kms": true, "GET /kms/quote": true,
	"GET /api/v1/price-book": true, "POST /api/v1/quotes": true,
	"GET /healthz": true, "GET /readyz": true, "GET /static/*": true,
}

// assertNoStore checks that an answer with someone's data (or a refusal on a route
// that has some) may be kept by no cache: not the browser's, for the back button of a
// shared computer, and not a proxy's.
func assertNoStore(t *testing.T, h http.Header) {
	t.Helper()
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-store") {
				return
			}
		}
	}
	t.Errorf("Cache-Control %q: a private answer lacks no-store", h.Values("Cache-Control"))
}

func TestEveryRouteAnswersWithSecurityHeadersAndSafeCookies(t *testing.T) {
	// The fixture sets Cookie.Secure on the server's manager; main sets it through
	// NewSessions from -secure-cookies.
	if c := NewSessions(nil, SessionOptions{Secure: true}, nil).Cookie; !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("NewSessions(secure) makes the cookie %+v", c)
	}
	for name, secure := range map[string]bool{"plain": false, "secure cookies over TLS": true} {
		t.Run(name, func(t *testing.T) {
			f := newSecFixture(t, "", secure)
			cookies := 0
			for _, route := range committedRoutes(t) {
				rc, ok := securityRoutes[route]
				if !ok {
					continue // TestEveryRouteHasASecurityCase names it
				}
				t.Run(route, func(t *testing.T) {
					// As the caller it is for; POSTs from a session of their own, so
					// that one route's change (signing out) does not spoil the next.
					var c *testserver.Client
					switch rc.as {
					case callerAnyone:
						c = f.client()
					case callerOwner:
						c = f.buyer
					case callerRep:
						c = f.rep()
					}
					code, body, h := f.call(c, route, rc, nil)
					if code != rc.want {
						t.Errorf("as the caller it is for: %d, want %d: %.200s", code, rc.want, body)
					}
					if rc.data != nil {
						for _, d := range rc.data(f) {
							if !strings.Contains(body, d) {
								t.Errorf("the answer lacks %q, which only its caller may see", d)
							}
						}
					}
					assertAllSecurityHeaders(t, h)
					cookies += assertSafeCookies(t, h, secure)
					if !publicAnswers[route] {
						assertNoStore(t, h)
					}
					if rc.as != callerAnyone { // and the refusal a stranger gets
						code, _, h := f.call(f.client(), route, rc, nil)
						if !isRefusal(code, h) && !rc.lists {
							t.Errorf("a stranger gets %d (Location %q)", code, h.Get("Location"))
						}
						assertAllSecurityHeaders(t, h)
						cookies += assertSafeCookies(t, h, secure)
						assertNoStore(t, h)
					}
				})
			}
			if cookies == 0 {
				t.Error("no answer set a cookie: the cookie checks checked nothing")
			}
		})
	}
}

// The headers a browser sends on a form posted from another site, or from a sibling
// subdomain (same-site is not same-origin), and those of a browser too old to send
// Sec-Fetch-Site.
var crossSiteHeaders = map[string]http.Header{
	"Sec-Fetch-Site: cross-site": {"Sec-Fetch-Site": {"cross-site"}},
	"Sec-Fetch-Site: same-site":  {"Sec-Fetch-Site": {"same-site"}},
	"a foreign Origin":           {"Origin": {"https://evil.example"}},
	"Origin: null":               {"Origin": {"null"}},
}

func TestCrossSitePostsAreRefusedAndChangeNothing(t *testing.T) {
	f := newSecFixture(t, "", false)
	for _, route := range committedRoutes(t) {
		rc, ok := securityRoutes[route]
		if !ok || !strings.HasPrefix(route, "POST ") || route == "POST /api/v1/quotes" {
			continue
		}
		t.Run(route, func(t *testing.T) {
			// A signed-in rep's browser lured to a hostile page, which can post to any
			// route; for the sign-in, a browser not signed in (login CSRF).
			c := f.rep()
			switch {
			case route == "POST /signin":
				c = f.client()
			case rc.as == callerOwner: // the browser that placed the order, lured likewise
				c = f.buyer
			}
			for name, header := range crossSiteHeaders {
				before := f.state()
				code, _, h := f.call(c, route, rc, header)
				if code != http.StatusForbidden {
					t.Errorf("%s: %d, want 403", name, code)
				}
				assertAllSecurityHeaders(t, h)
				if after := f.state(); !reflect.DeepEqual(before, after) {
					t.Errorf("%s: the refused post changed\n%+v\ninto\n%+v", name, before, after)
				}
				if want := route != "POST /signin"; c != f.buyer && signedIn(c) != want {
					t.Errorf("%s: signed in = %v after the refused post, want %v", name, !want, want)
				}
			}
			// The same post from the console's own page goes through: the refusal was
			// the origin's, not the form's.
			if code, body, _ := f.call(c, route, rc, http.Header{"Sec-Fetch-Site": {"same-origin"}}); code != rc.want {
				t.Errorf("same-origin: %d, want %d: %.200s", code, rc.want, body)
			}
		})
	}
}

// TestQuoteAPIIsCallableCrossSiteWithoutEffect: POST /api/v1/quotes is for scripts and
// sales tools, so it is outside the cross-origin protection on purpose. It is safe
// there because it reads no session, sets no cookie, changes nothing, lets no other
// site read its answer (no CORS), and takes only application/json, which a hostile
// page cannot send without a CORS preflight (a form's types get 415).
func TestQuoteAPIIsCallableCrossSiteWithoutEffect(t *testing.T) {
	f := newSecFixture(t, "", false)
	rc := securityRoutes["POST /api/v1/quotes"]
	c := f.rep() // a rep's browser: its cookie goes along and must change nothing
	for name, header := range crossSiteHeaders {
		before := f.state()
		code, body, h := f.call(c, "POST /api/v1/quotes", rc, header)
		if code != http.StatusOK || !strings.Contains(body, `"totals"`) {
			t.Errorf("%s: %d, want the quote: %.200s", name, code, body)
		}
		if h.Get("Set-Cookie") != "" {
			t.Errorf("%s: the API set a cookie: %q", name, h.Values("Set-Cookie"))
		}
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s: %s: %q lets other sites read the answer", name, k, h.Get(k))
			}
		}
		if after := f.state(); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the quote API changed %+v into %+v", name, before, after)
		}
	}
	if !signedIn(c) {
		t.Error("the quote API touched the caller's session")
	}
	// What an HTML form on another site can send: refused before anything is read.
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
		code, _, _ := sendWith(t, c, mustRequest(t, c.Base+"/api/v1/quotes", ct, issueExample),
			http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
		if code != http.StatusUnsupportedMediaType {
			t.Errorf("a cross-site %s post: %d, want 415", ct, code)
		}
	}
}

func mustRequest(t *testing.T, target, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

// refused says whether an answer refuses: 401, 403, 404, or a redirect to sign in.
func isRefusal(code int, h http.Header) bool {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return strings.HasPrefix(h.Get("Location"), "/signin")
	}
	return false
}

// allMarkers is every piece of the fixture's data that a refused answer must not show.
var allMarkers = []string{markBuyerName, markBuyerEmail, markBuyerAccount, markQuoteName, markCustomer, markNotes, markQuoteAccount}

func TestOrderAndRepRoutesRefuseEveryoneElse(t *testing.T) {
	f := newSecFixture(t, "", false)
	before := f.state()
	// Everyone who is not a rep, and a rep where the route is a customer's.
	strangers := map[string]*testserver.Client{
		"no session":       f.client(),
		"another customer": f.other, // with an order of their own
		"a disabled rep":   f.disabledRep(),
	}
	checked := 0
	for _, route := range committedRoutes(t) {
		rc, ok := securityRoutes[route]
		if !ok || rc.as == callerAnyone {
			continue
		}
		checked++
		callers := map[string]*testserver.Client{}
		for who, c := range strangers {
			callers[who] = c
		}
		if rc.as == callerRep {
			callers["the customer"] = f.buyer
		} else {
			callers["an enabled rep"] = f.rep() // reps see orders on the desk, not here
		}
		for who, c := range callers {
			code, body, h := f.call(c, route, rc, nil)
			if !(isRefusal(code, h) || rc.lists && code == http.StatusOK) {
				t.Errorf("%s: %s = %d (Location %q), want 401, 403, 404 or a redirect to sign in",
					route, who, code, h.Get("Location"))
			}
			// The fixture's data, and what only a rep sees of its quote: the share
			// link's token and the versions' pages.
			data := append([]string{f.token, "/quotes/" + f.quote + "/v/"}, allMarkers...)
			if rc.data != nil {
				data = append(rc.data(f), data...)
			}
			for _, d := range data {
				if strings.Contains(body, d) {
					t.Errorf("%s: %s is shown %q", route, who, d)
				}
			}
		}
	}
	if checked < 15 {
		t.Errorf("only %d routes checked: the order and rep routes are not all there", checked)
	}
	// Another customer's order ID, from a customer with an order of their own.
	if code, body, _ := f.buyer.Get("/orders/" + f.otherOrder); code != http.StatusNotFound || strings.Contains(body, "ap-beijing") {
		t.Errorf("another customer's order: %d, want 404", code)
	}
	if after := f.state(); !reflect.DeepEqual(before, after) {
		t.Errorf("refused requests changed %+v into %+v", before, after)
	}
	// A share link is the right to its quote; a made-up token is none.
	if code, body, _ := f.client().Get("/s/" + strings.Repeat("A", len(f.token))); code != http.StatusNotFound || strings.Contains(body, markQuoteName) {
		t.Errorf("a made-up share token: %d", code)
	}
}

// TestSignInNeverRedirectsOffSite: the page to return to after signing in comes from
// the query string, so a link to the sign-in page must not send a rep elsewhere.
// Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
// "/\t/evil.example" is "//evil.example", another host.
func TestSignInNeverRedirectsOffSite(t *testing.T) {
	f := newSecFixture(t, "", false)
	for _, next := range []string{
		"//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
		"/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/", "/\t\\evil.example/", "\t//evil.example/",
	} {
		c := f.client()
		req := mustRequest(t, c.Base+"/signin", "application/x-www-form-urlencoded",
			url.Values{"email": {"rep@example.com"}, "password": {repPassword}, "next": {next}}.Encode())
		resp, err := http.DefaultTransport.RoundTrip(req) // the raw Location, as a browser gets it
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(loc))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") {
			t.Errorf("next=%q: %d to %q, which a browser follows to %q", next, resp.StatusCode, loc, browser)
		}
	}
}
