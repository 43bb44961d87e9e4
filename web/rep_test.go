package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"kmsconsole/handlers"
	"kmsconsole/internal/clientip"
	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

const repPassword = "correct horse battery staple"

// forEachStore runs a test against SQLite and, when TEST_DATABASE_URL is set, against
// PostgreSQL (a database of the test's own).
func forEachStore(t *testing.T, test func(t *testing.T, databaseURL string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, "") })
	t.Run("postgres", func(t *testing.T) { test(t, storetest.PostgresURL(t)) })
}

// repServer is a server with one enabled and one disabled rep, on SQLite; repServerOn
// takes a database URL.
func repServer(t *testing.T) (*httptest.Server, store.Store) { return repServerOn(t, "") }

func repServerOn(t *testing.T, databaseURL string) (*httptest.Server, store.Store) {
	t.Helper()
	st := repStoreOn(t, databaseURL)
	book, _ := pricing.EmbeddedBook()
	srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, st))
	t.Cleanup(srv.Close)
	return srv, st
}

// repStoreOn opens the store with the two reps.
func repStoreOn(t *testing.T, databaseURL string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), databaseURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The cheapest bcrypt cost: the check is the same, and the tests stay quick under -race.
	hash, err := bcrypt.GenerateFromPassword([]byte(repPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"rep@example.com", "gone@example.com"} {
		if _, err := st.AddUser(context.Background(), email, hash); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetUserDisabled(context.Background(), "gone@example.com", true); err != nil {
		t.Fatal(err)
	}
	return st
}

func signIn(t *testing.T, c *testserver.Client, email, password string) (int, string) {
	t.Helper()
	code, body, _ := c.Post("/signin", url.Values{"email": {email}, "password": {password}, "next": {"/desk"}}, nil)
	return code, body
}

// repRoutes are every rep-only route, with a method and a path.
var repRoutes = []struct{ method, path string }{
	{http.MethodGet, "/desk"},
	{http.MethodGet, "/desk/orders/ord_x"},
	{http.MethodPost, "/desk/orders/ord_x/status"},
	{http.MethodGet, "/quotes"},
	{http.MethodGet, "/quotes/new"},
	{http.MethodPost, "/quotes/new"},
	{http.MethodGet, "/quotes/preview"},
	{http.MethodGet, "/quotes/qte_x"},
	{http.MethodPost, "/quotes/qte_x"},
	{http.MethodPost, "/quotes/qte_x/shares"},
	{http.MethodPost, "/quotes/qte_x/shares/tok/revoke"},
	{http.MethodGet, "/quotes/qte_x/v/1"},
	{http.MethodGet, "/quotes/qte_x/v/1/export.csv"},
	{http.MethodGet, "/quotes/qte_x/v/1/export.json"},
	{http.MethodGet, "/quotes/qte_x/v/1/print"},
	{http.MethodGet, "/api/v1/orders"}, // the API answers 401 rather than redirect
}

func TestRepRoutesAreRefusedWithoutARep(t *testing.T) { forEachStore(t, testRepRoutesRefused) }

func testRepRoutesRefused(t *testing.T, databaseURL string) {
	srv, _ := repServerOn(t, databaseURL)
	customer := testserver.NewClient(t, srv.URL)
	if _, err := customer.PlaceOrder(customer.ReviewForm(tokyoAnnual)); err != nil {
		t.Fatal(err)
	}
	disabled := testserver.NewClient(t, srv.URL)
	if code, _ := signIn(t, disabled, "gone@example.com", repPassword); code != http.StatusUnauthorized {
		t.Errorf("a disabled rep signs in: %d", code)
	}
	for who, c := range map[string]*testserver.Client{
		"no session":         testserver.NewClient(t, srv.URL),
		"a customer session": customer,
		"a disabled rep":     disabled,
	} {
		for _, rt := range repRoutes {
			var code int
			var h http.Header
			if rt.method == http.MethodGet {
				code, _, h = c.Get(rt.path)
			} else {
				code, _, h = c.Post(rt.path, url.Values{"to": {"confirmed"}, "reason": {"x"}}, nil)
			}
			if strings.HasPrefix(rt.path, "/api/") {
				if code != http.StatusUnauthorized {
					t.Errorf("%s: %s %s = %d, want 401", who, rt.method, rt.path, code)
				}
				continue
			}
			if rt.method == http.MethodPost && (rt.path == "/quotes/new" || rt.path == "/quotes/qte_x") {
				// The builder's form comes back as sent, saved nowhere (TestBuilderFormSentSignedOutComesBack).
				if code != http.StatusUnauthorized {
					t.Errorf("%s: %s %s = %d, want 401", who, rt.method, rt.path, code)
				}
				continue
			}
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/signin") {
				t.Errorf("%s: %s %s = %d to %q, want a redirect to sign in", who, rt.method, rt.path, code, h.Get("Location"))
			}
		}
	}
}

func TestSignInRenewsTheSessionAndSignOutEndsIt(t *testing.T) {
	srv, _ := repServer(t)
	c := testserver.NewClient(t, srv.URL)
	c.Get("/signin")
	u, _ := url.Parse(srv.URL)
	before := c.HTTP.Jar.Cookies(u)
	code, _ := signIn(t, c, "REP@example.com ", repPassword)
	if code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", code)
	}
	after := c.HTTP.Jar.Cookies(u)
	if len(before) > 0 && len(after) > 0 && before[0].Value == after[0].Value {
		t.Error("the session token must change at sign-in")
	}
	if code, body, _ := c.Get("/desk"); code != http.StatusOK || !strings.Contains(body, "rep@example.com") {
		t.Errorf("the desk after sign-in: %d", code)
	}
	c.Post("/signout", nil, nil)
	if code, _, _ := c.Get("/desk"); code != http.StatusSeeOther {
		t.Errorf("the desk after sign-out: %d", code)
	}
	if code, _ := signIn(t, c, "rep@example.com", "wrong password!!"); code != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d", code)
	}
	if code, _, h := c.Post("/signin", url.Values{"email": {"rep@example.com"}, "password": {repPassword}, "next": {"//evil.example/"}}, nil); code != http.StatusSeeOther || h.Get("Location") != "/desk" {
		t.Errorf("a foreign next= must not be followed: %d %q", code, h.Get("Location"))
	}
}

func TestRepeatedFailedSignInsAreSlowedDown(t *testing.T) {
	srv, _ := repServer(t)
	c := testserver.NewClient(t, srv.URL)
	for i := range 6 {
		if code, _ := signIn(t, c, "rep@example.com", "guess number "+string(rune('a'+i))+"xx"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	code, _, h := c.Post("/signin", url.Values{"email": {"rep@example.com"}, "password": {repPassword}}, nil)
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("after six failures even the right password waits: %d, Retry-After %q", code, h.Get("Retry-After"))
	}
	// Another account from the same address is slowed too.
	if code, _ := signIn(t, c, "other@example.com", "whatever password"); code != http.StatusTooManyRequests {
		t.Errorf("the same address, another account: %d", code)
	}
}

// TestSignInThrottleCountsEachClientBehindATrustedProxy: behind a load balancer every
// connection comes from the balancer. Trusted, its X-Forwarded-For tells the clients
// apart, so one client's guesses do not slow the others down; untrusted (the
// default), the header is ignored, so a client cannot dodge the throttle by sending
// a new address with each guess.
func TestSignInThrottleCountsEachClientBehindATrustedProxy(t *testing.T) {
	book, _ := pricing.EmbeddedBook()
	for _, trusted := range []bool{true, false} {
		t.Run(fmt.Sprintf("trusted=%v", trusted), func(t *testing.T) {
			var options []func(*handlers.Deps)
			if trusted {
				options = append(options, func(d *handlers.Deps) {
					d.TrustedProxies, _ = clientip.Parse("127.0.0.0/8, ::1")
				})
			}
			srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, repStoreOn(t, ""), options...))
			t.Cleanup(srv.Close)
			c := testserver.NewClient(t, srv.URL)
			from := func(client, email, password string) int {
				code, _, _ := c.Post("/signin", url.Values{"email": {email}, "password": {password}},
					http.Header{"X-Forwarded-For": {client}})
				return code
			}
			// The guesser tries a new account each time. Untrusted, it also claims a
			// new address each time, which must not help it.
			for i := range 6 {
				addr := "203.0.113.1"
				if !trusted {
					addr = "203.0.113." + strconv.Itoa(1+i)
				}
				if code := from(addr, "guess"+strconv.Itoa(i)+"@example.com", "wrong password!!"); code != http.StatusUnauthorized {
					t.Fatalf("guess %d: %d", i+1, code)
				}
			}
			guesser := from("203.0.113.1", "another@example.com", "wrong password!!")
			rep := from("198.51.100.20", "rep@example.com", repPassword)
			if trusted && (guesser != http.StatusTooManyRequests || rep != http.StatusSeeOther) {
				t.Errorf("the guesser: %d, want 429; a rep at another address: %d, want 303", guesser, rep)
			}
			if !trusted && (guesser != http.StatusTooManyRequests || rep != http.StatusTooManyRequests) {
				t.Errorf("untrusted, every client is the proxy's address: the guesser %d, the rep %d, want 429 for both", guesser, rep)
			}
			if !trusted {
				return
			}
			// An IPv6 client holds a whole /64: a new address in it for each guess
			// is still the same client; another network is another client.
			for i := range 6 {
				if code := from("2001:db8:1:2::"+strconv.Itoa(i+1), "v6guess"+strconv.Itoa(i)+"@example.com", "wrong password!!"); code != http.StatusUnauthorized {
					t.Fatalf("IPv6 guess %d: %d", i+1, code)
				}
			}
			if code := from("2001:db8:1:2:ffff::99", "v6other@example.com", "wrong password!!"); code != http.StatusTooManyRequests {
				t.Errorf("another address in the guesser's /64: %d, want 429", code)
			}
			if code := from("2001:db8:1:3::1", "rep@example.com", repPassword); code != http.StatusSeeOther {
				t.Errorf("a rep in the next /64: %d, want 303", code)
			}
		})
	}
}

// throttleDown is a store whose sign-in throttle table does not answer in the calls
// named; the rest works.
type throttleDown struct {
	store.Store
	wait, fail, clear bool
}

var errThrottleDown = fmt.Errorf("%w: sign_in_throttle: connection refused", store.ErrUnavailable)

func (s throttleDown) ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	if s.wait {
		return 0, errThrottleDown
	}
	return s.Store.ThrottleWait(ctx, keys, now)
}

func (s throttleDown) ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(int) time.Duration) error {
	if s.fail {
		return errThrottleDown
	}
	return s.Store.ThrottleFail(ctx, keys, now, waitAfter)
}

func (s throttleDown) ThrottleClear(ctx context.Context, key string) error {
	if s.clear {
		return errThrottleDown
	}
	return s.Store.ThrottleClear(ctx, key)
}

// TestSignInRefusesWhenTheThrottleCannotBeRead: without its record of failures the
// sign-in cannot tell a guess from a rep, so it lets nobody in and answers 503, as
// for any database outage.
func TestSignInRefusesWhenTheThrottleCannotBeRead(t *testing.T) {
	st := repStoreOn(t, "")
	book, _ := pricing.EmbeddedBook()
	for name, tc := range map[string]struct {
		down     throttleDown
		password string
	}{
		"wait, the right password":  {throttleDown{Store: st, wait: true}, repPassword},
		"wait, a wrong password":    {throttleDown{Store: st, wait: true}, "wrong password!!"},
		"fail, a wrong password":    {throttleDown{Store: st, fail: true}, "wrong password!!"},
		"clear, the right password": {throttleDown{Store: st, clear: true}, repPassword},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, tc.down))
			defer srv.Close()
			c := testserver.NewClient(t, srv.URL)
			code, _, h := c.Post("/signin", url.Values{"email": {"rep@example.com"}, "password": {tc.password}}, nil)
			if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
				t.Errorf("sign in: %d, Retry-After %q; want 503 with Retry-After", code, h.Get("Retry-After"))
			}
			if code, _, _ := c.Get("/desk"); code != http.StatusSeeOther {
				t.Errorf("the desk after a refused sign-in: %d, want a redirect to sign in", code)
			}
		})
	}
}

// toInvalid finds the desk's To date marked invalid.
var toInvalid = regexp.MustCompile(`<input[^>]* id="to"[^>]* aria-invalid="true"`)

var deskRow = regexp.MustCompile(`href="/desk/orders/(ord_[a-z0-9]+)(?:\?from=[^"]*)?"`)

func TestDeskListsFiltersAndChangesStatusWithAnAuditLog(t *testing.T) { forEachStore(t, testDesk) }

func testDesk(t *testing.T, databaseURL string) {
	srv, _ := repServerOn(t, databaseURL)
	buyer := testserver.NewClient(t, srv.URL)
	var ids []string
	for _, est := range []string{tokyoAnnual, "kms?region=ap-beijing&customer_keys=5", tokyoAnnual + "&again=1"} {
		id, err := buyer.PlaceOrder(buyer.ReviewForm(est))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rep := testserver.NewClient(t, srv.URL)
	if code, _ := signIn(t, rep, "rep@example.com", repPassword); code != http.StatusSeeOther {
		t.Fatal("sign in")
	}
	listed := func(query string) []string {
		t.Helper()
		code, body, _ := rep.Get("/desk?" + query)
		if code != http.StatusOK {
			t.Fatalf("desk?%s: %d", query, code)
		}
		var out []string
		for _, m := range deskRow.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	if got := listed(""); len(got) != 3 || got[0] != ids[2] {
		t.Errorf("all orders, newest first: %v (placed %v)", got, ids)
	}
	// Products, regions and statuses by the names the filters give them.
	if _, body, _ := rep.Get("/desk?region=ap-tokyo"); !strings.Contains(body, "<td>Tokyo</td>") || !strings.Contains(body, "<td>Submitted</td>") ||
		strings.Contains(body, "<td>ap-tokyo</td>") || strings.Contains(body, "<td>ssm</td>") || strings.Contains(body, "<td>submitted</td>") {
		t.Error("the desk must name products, regions and statuses, not give their codes")
	}
	if got := listed("product=kms"); len(got) != 1 || got[0] != ids[1] {
		t.Errorf("product=kms: %v", got)
	}
	if got := listed("region=ap-tokyo&status=submitted"); len(got) != 2 {
		t.Errorf("Tokyo, submitted: %v", got)
	}
	if got := listed("q=" + ids[0]); len(got) != 1 || got[0] != ids[0] {
		t.Errorf("search by ID: %v", got)
	}
	if got := listed("q=ADA@example.com"); len(got) != 3 {
		t.Errorf("search by email: %v", got)
	}
	if code, body, _ := rep.Get("/desk?from=yesterday"); code != http.StatusOK || !strings.Contains(body, "2026-11-25") {
		t.Errorf("a bad date is explained: %d", code)
	}
	// A page past the last shows the last, whatever the number (it once made a
	// negative offset, which PostgreSQL refuses).
	for _, page := range []string{"2", "99", "9223372036854775807"} {
		if got := listed("page=" + page); len(got) != 3 {
			t.Errorf("page=%s: %v, want the last page's 3 orders", page, got)
		}
	}
	for query, want := range map[string]string{
		"to=31-12-2026":                    "The To date &#34;31-12-2026&#34; is not a date",
		"from=2026-12-01&to=2026-11-01":    "The To date is before the From date",
		"from=2026-11-01&to=2026-11-01&q=": "",
	} {
		code, body, _ := rep.Get("/desk?" + query)
		if code != http.StatusOK || (want != "" && !strings.Contains(body, want)) || (want == "" && strings.Contains(body, "form-problem")) {
			t.Errorf("desk?%s: %d, want %q", query, code, want)
		}
		// The date at fault is marked, for a screen reader too.
		if want != "" && !toInvalid.MatchString(body) {
			t.Errorf("desk?%s: the To field is not marked invalid", query)
		}
	}
	if _, body, _ := rep.Get("/api/v1/orders?to=bad"); !strings.Contains(body, `"field":"to"`) {
		t.Errorf("the API names the field of a bad date: %s", body)
	}

	// A reason is required, of at most 500 characters (not bytes), told at its field;
	// then the change is recorded with who and why.
	path := "/desk/orders/" + ids[0] + "/status"
	if code, _, _ := rep.Post(path, url.Values{"to": {"confirmed"}, "reason": {""}}, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("no reason: %d", code)
	}
	// The address a refused change is shown at leads back to the order when opened again.
	if code, _, h := rep.Get(path); code != http.StatusSeeOther || h.Get("Location") != "/desk/orders/"+ids[0] {
		t.Errorf("GET %s: %d to %q, want the order's page", path, code, h.Get("Location"))
	}
	code, body, _ := rep.Post(path, url.Values{"to": {"confirmed"}, "reason": {strings.Repeat("长", 501)}}, nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reason"`) ||
		!strings.Contains(body, "Keep this to 500 characters; it has 501.") {
		t.Errorf("501 characters: %d", code)
	}
	if code, _, _ := rep.Post(path, url.Values{"to": {"confirmed"}, "reason": {"payment received " + strings.Repeat("长", 480)}}, nil); code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", code)
	}
	_, body, _ = rep.Get("/desk/orders/" + ids[0])
	if strings.Contains(body, "<td> → ") {
		t.Error("the history's first row has no status to come from: it names the status the order was placed in")
	}
	for _, want := range []string{`data-testid="order-status">Confirmed`, "payment received", "Submitted → Confirmed", "rep@example.com",
		"The terms accepted", "192 hours after your account becomes overdue"} {
		if !strings.Contains(body, want) {
			t.Errorf("the order page lacks %q", want)
		}
	}
	// Changed already, by this rep: said so, with when; not blamed on someone else.
	code, body, _ = rep.Post(path, url.Values{"to": {"cancelled"}, "reason": {"changed mind"}}, nil)
	if code != http.StatusConflict || !regexp.MustCompile(`You changed it to confirmed at 20\d\d-\d\d-\d\d \d\d:\d\d UTC, so it is no longer submitted`).MatchString(body) {
		t.Errorf("cancelling a confirmed order: %d, want 409 saying who confirmed it", code)
	}
	// The same confirmation sent again (a double click) is answered as the first was,
	// not blamed on "someone"; another reason is a different change, refused.
	code, _, h := rep.Post(path, url.Values{"to": {"confirmed"}, "reason": {"payment received " + strings.Repeat("长", 480)}}, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/desk/orders/"+ids[0]+"?done=confirmed" {
		t.Errorf("the same confirmation twice: %d %q", code, h.Get("Location"))
	}
	if code, _, _ := rep.Post(path, url.Values{"to": {"confirmed"}, "reason": {"another reason"}}, nil); code != http.StatusConflict {
		t.Errorf("confirming a confirmed order for another reason: %d, want 409", code)
	}
	if _, body, _ := rep.Get("/desk/orders/" + ids[0] + "?done=confirmed"); !strings.Contains(body, `data-testid="status-changed">The order is confirmed.`) {
		t.Error("the order page must say the change was made")
	}
	if _, body, _ := rep.Get("/desk/orders/" + ids[0] + "?done=cancelled"); strings.Contains(body, `data-testid="status-changed"`) {
		t.Error("the page must not say a change that the order's status contradicts")
	}
	if got := listed("status=confirmed"); len(got) != 1 || got[0] != ids[0] {
		t.Errorf("status=confirmed: %v", got)
	}
	// The customer still sees only their own orders, with the new status.
	if _, body, _ := buyer.Get("/orders/" + ids[0]); !strings.Contains(body, `data-testid="order-status">Confirmed<`) {
		t.Error("the buyer sees the confirmed status")
	}
	// What happens next follows the status: KMS is not active before the order is
	// confirmed, and nothing follows a cancelled order.
	if _, body, _ := buyer.Get("/orders/" + ids[1]); !strings.Contains(body, "activated once the order is confirmed") {
		t.Error("a submitted KMS order must say it is activated once confirmed")
	}
	// From a filtered page of the desk: the order's link, its Back link and the change
	// keep the desk's filters, which lead nowhere but the desk.
	_, body, _ = rep.Get("/desk?status=submitted&q=")
	orderLink := `href="/desk/orders/` + ids[1] + `?from=q%3D%26status%3Dsubmitted"`
	if !strings.Contains(body, orderLink) {
		t.Errorf("the desk's link to an order must carry its filters: want %s", orderLink)
	}
	_, body, _ = rep.Get("/desk/orders/" + ids[1] + "?from=q%3D%26status%3Dsubmitted")
	if !strings.Contains(body, `<a href="/desk?q=&amp;status=submitted">Back to the order desk</a>`) ||
		!strings.Contains(body, `name="from" value="q=&amp;status=submitted"`) {
		t.Error("the order page must lead back to the desk's filtered page")
	}
	for _, link := range []string{`href="/quotes">Quotes</a>`, `href="/desk">Order desk</a>`, "Sign out"} {
		if !strings.Contains(body, link) {
			t.Errorf("the order page's rep bar lacks %s", link)
		}
	}
	// Whatever from holds, the Back link is the desk's, with from re-encoded as a query
	// (or dropped when it is not one).
	for from, want := range map[string]string{
		"%2F%2Fevil.example%2F":         `href="/desk?%2F%2Fevil.example%2F="`,
		"q%3D%22%3E%3Cscript%3E%23frag": `href="/desk?q=%22%3E%3Cscript%3E%23frag"`,
		"q%3D%25zz":                     `href="/desk">Back`,
		"a%3D1%3Bb%3D2":                 `href="/desk">Back`,
	} {
		if _, body, _ := rep.Get("/desk/orders/" + ids[1] + "?from=" + from); !strings.Contains(body, want) {
			t.Errorf("from=%s: the Back link must be %s", from, want)
		}
	}
	code, _, h = rep.Post("/desk/orders/"+ids[1]+"/status", url.Values{"to": {"cancelled"}, "reason": {"duplicate"}, "from": {"q=&status=submitted"}}, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/desk/orders/"+ids[1]+"?done=cancelled&from=q%3D%26status%3Dsubmitted" {
		t.Fatalf("cancel: %d %q", code, h.Get("Location"))
	}
	_, body, _ = buyer.Get("/orders/" + ids[1])
	if !strings.Contains(body, "This order was cancelled: nothing in it will be activated or billed.") || strings.Contains(body, "activated, billed monthly") {
		t.Error("a cancelled order must say so in what happens next, and nothing else")
	}
}

func TestRepAPIAnswers401WithoutARepAnd403ForADisabledOne(t *testing.T) {
	srv, st := repServer(t)
	anon := testserver.NewClient(t, srv.URL)
	if code, body, h := anon.Get("/api/v1/orders"); code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("no session: %d %s", code, body)
	}
	customer := testserver.NewClient(t, srv.URL)
	id, err := customer.PlaceOrder(customer.ReviewForm(tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := customer.Get("/api/v1/orders"); code != http.StatusUnauthorized {
		t.Errorf("a customer's session: %d", code)
	}
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	code, body, _ := rep.Get("/api/v1/orders?product=ssm")
	if code != http.StatusOK || !strings.Contains(body, id) || !strings.Contains(body, `"total":1`) || !strings.Contains(body, `"upfront":"22380.00"`) {
		t.Errorf("a rep: %d %s", code, body)
	}
	if err := st.SetUserDisabled(context.Background(), "rep@example.com", true); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := rep.Get("/api/v1/orders"); code != http.StatusForbidden {
		t.Errorf("a rep disabled while signed in: %d, want 403", code)
	}
	if code, _, h := rep.Get("/desk"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/signin") {
		t.Errorf("the disabled rep's pages: %d", code)
	}
	// Until the sign-in page has said why, the redirect says it too, for the builder's
	// script (its live totals' fetch follows the redirect and reads the URL).
	if _, _, h := rep.Get("/quotes/preview?items.0.product=kms"); h.Get("Location") != "/signin?next=%2Fquotes%2Fpreview%3Fitems.0.product%3Dkms&why=disabled" {
		t.Errorf("the live totals of a disabled rep are sent to %q", h.Get("Location"))
	}
	// The sign-in page they land on says why, once; nobody else is told. A script's
	// fetch that followed the redirect (the builder's live totals) does not use it up.
	const why = "Your account has been disabled, so you were signed out."
	if _, body, _ := rep.GetWith("/signin?next=%2Fquotes%2Fpreview", http.Header{"Sec-Fetch-Mode": {"cors"}}); strings.Contains(body, why) {
		t.Error("a script's fetch of the sign-in page must not be told, nor use the reason up")
	}
	if _, body, _ := rep.Get("/signin?next=%2Fdesk"); !strings.Contains(body, why) {
		t.Error("the sign-in page must tell a rep signed out for being disabled why")
	}
	if _, body, _ := rep.Get("/signin"); strings.Contains(body, why) {
		t.Error("the reason is said once")
	}
	if _, _, h := rep.Get("/quotes/preview"); strings.Contains(h.Get("Location"), "why=") {
		t.Errorf("once said, the reason leaves the redirect too: %q", h.Get("Location"))
	}
	if _, body, _ := anon.Get("/signin"); strings.Contains(body, why) {
		t.Error("only the disabled rep is told")
	}
	// Disabled while signed in, the reason kept but not yet shown, then enabled again
	// and signed in: a later visit to the sign-in page says nothing old.
	if err := st.SetUserDisabled(context.Background(), "rep@example.com", false); err != nil {
		t.Fatal(err)
	}
	signIn(t, rep, "rep@example.com", repPassword)
	if err := st.SetUserDisabled(context.Background(), "rep@example.com", true); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := rep.Get("/desk"); code != http.StatusSeeOther {
		t.Fatalf("the disabled rep's desk: %d", code)
	}
	if err := st.SetUserDisabled(context.Background(), "rep@example.com", false); err != nil {
		t.Fatal(err)
	}
	signIn(t, rep, "rep@example.com", repPassword)
	if _, body, _ := rep.Get("/signin"); strings.Contains(body, why) {
		t.Error("after signing in again, the old reason must be gone")
	}
}

// TestDeskNamesTheRepWhoChangedTheOrderFirst: two reps on one order; the second to act
// is told who changed it, and when.
func TestDeskNamesTheRepWhoChangedTheOrderFirst(t *testing.T) {
	srv, st := repServer(t)
	if err := st.SetUserDisabled(context.Background(), "gone@example.com", false); err != nil {
		t.Fatal(err)
	}
	first, second := testserver.NewClient(t, srv.URL), testserver.NewClient(t, srv.URL)
	signIn(t, first, "rep@example.com", repPassword)
	signIn(t, second, "gone@example.com", repPassword)
	customer := testserver.NewClient(t, srv.URL)
	id, err := customer.PlaceOrder(customer.ReviewForm(tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	path := "/desk/orders/" + id + "/status"
	if code, _, _ := first.Post(path, url.Values{"to": {"confirmed"}, "reason": {"paid"}}, nil); code != http.StatusSeeOther {
		t.Fatalf("the first rep confirms: %d", code)
	}
	// Even the same change, with the same reason: it was not this rep's.
	code, body, _ := second.Post(path, url.Values{"to": {"confirmed"}, "reason": {"paid"}}, nil)
	if code != http.StatusConflict || !strings.Contains(body, "rep@example.com changed it to confirmed at ") {
		t.Errorf("the second rep's change: %d, want 409 naming the first rep", code)
	}
}
