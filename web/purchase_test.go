package web

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
)

func newBrowser(t *testing.T, srv *httptest.Server) *testserver.Client {
	return testserver.NewClient(t, srv.URL)
}

// review opens the review page of an estimate, checks that it shows the terms, and
// returns its form with a valid buyer and the terms accepted.
func review(t *testing.T, b *testserver.Client, estimate string) url.Values {
	t.Helper()
	_, body, _ := b.Get("/purchase/" + estimate)
	for _, want := range []string{"I accept the pricing terms", "Place order", "Account ID", "Contact name", "Contact email",
		"3rd to 5th day", "24 hours", "168 hours"} {
		if !strings.Contains(body, want) {
			t.Errorf("the review page lacks %q", want)
		}
	}
	return b.ReviewForm(estimate)
}

const tokyoAnnual = "ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1"

func newPurchaseServer(t *testing.T) *httptest.Server {
	s, _ := newTestServer(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func TestOrderIsRefusedWithoutAcceptingTheTerms(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	form := review(t, b, tokyoAnnual)
	form.Del("accept_terms")
	code, body, _ := b.Post("/orders", form, nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "accept the pricing terms before placing") {
		t.Fatalf("without the checkbox: %d", code)
	}
	if !strings.Contains(body, `value="Ada Lovelace"`) {
		t.Error("the refused form must keep what the buyer typed")
	}
	form.Set("accept_terms", "no")
	if code, _, _ := b.Post("/orders", form, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("accept_terms=no: %d", code)
	}
	if ids := b.MyOrders(); len(ids) != 0 {
		t.Error("a refused order must not be recorded")
	}
}

func TestOrderIsPlacedOncePerReviewPage(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	form := review(t, b, tokyoAnnual)

	// A double click: the same form, twice at once.
	var wg sync.WaitGroup
	locations := make([]string, 2)
	for i := range locations {
		wg.Go(func() {
			code, _, h := b.Post("/orders", form, nil)
			if code != http.StatusSeeOther {
				t.Errorf("place order: %d", code)
			}
			locations[i] = h.Get("Location")
		})
	}
	wg.Wait()
	if locations[0] == "" || locations[0] != locations[1] {
		t.Fatalf("both posts must end on the same order: %q", locations)
	}
	// A retry later ends there too.
	if _, _, h := b.Post("/orders", form, nil); h.Get("Location") != locations[0] {
		t.Errorf("a retry went to %q", h.Get("Location"))
	}
	code, body, _ := b.Get(locations[0])
	if code != http.StatusOK {
		t.Fatalf("confirmation %d", code)
	}
	for _, want := range []string{`data-testid="order-id"`, `data-testid="order-status">Submitted: waiting for confirmation<`, "1,865.00", "22,380.00", "payment of 22,380.00 USD is due up front"} {
		if !strings.Contains(body, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	if ids := b.MyOrders(); len(ids) != 1 {
		t.Errorf("My orders lists %d orders, want 1", len(ids))
	}
	if strings.Contains(body, `data-testid="resent-other"`) {
		t.Error("the same form sent again is no news")
	}
	if _, list, _ := b.Get("/orders"); !strings.Contains(list, "1,865.00 USD") || !strings.Contains(list, "Submitted: waiting for confirmation") {
		t.Error("My orders must give amounts with their currency, and the status in words")
	}
	// The form sent again with another buyer's details: still the one order, which
	// says it kept its own details.
	other := url.Values{}
	for k, v := range form {
		other[k] = v
	}
	other.Set("contact_name", "Bob Other")
	_, _, h := b.Post("/orders", other, nil)
	if h.Get("Location") != locations[0] {
		t.Fatalf("the form sent again with other details went to %q", h.Get("Location"))
	}
	if _, body, _ := b.Get(h.Get("Location")); !strings.Contains(body, `data-testid="resent-other"`) || strings.Contains(body, "Bob Other") {
		t.Error("the order must say the details sent again were not used, and keep its own")
	}
	if _, body, _ := b.Get(h.Get("Location")); strings.Contains(body, `data-testid="resent-other"`) {
		t.Error("the note is for the answer to the form sent again, not for every later look")
	}
	if ids := b.MyOrders(); len(ids) != 1 {
		t.Errorf("My orders lists %d orders, want 1", len(ids))
	}
}

func TestOrderIsVisibleOnlyToTheSessionThatPlacedIt(t *testing.T) {
	srv := newPurchaseServer(t)
	buyer, other := newBrowser(t, srv), newBrowser(t, srv)
	form := review(t, buyer, "kms?region=ap-tokyo&customer_keys=10&api_calls=100000")
	_, _, h := buyer.Post("/orders", form, nil)
	order := h.Get("Location")
	if code, _, _ := buyer.Get(order); code != http.StatusOK {
		t.Fatalf("the buyer sees %d", code)
	}
	if code, _, _ := other.Get(order); code != http.StatusNotFound {
		t.Errorf("another browser sees %d, want 404", code)
	}
	if ids := other.MyOrders(); len(ids) != 0 {
		t.Error("another browser's My orders lists the order")
	}
	if code, _, _ := buyer.Get("/orders/ord_doesnotexist"); code != http.StatusNotFound {
		t.Errorf("unknown order: %d", code)
	}
	// The other browser replaying the buyer's form does not get the buyer's order.
	if code, body, h := other.Post("/orders", form, nil); code != http.StatusConflict || h.Get("Location") != "" {
		t.Errorf("replay from another browser: %d %q %.80s", code, h.Get("Location"), body)
	}
}

func TestCrossSiteOrderPostIsRefused(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	form := review(t, b, tokyoAnnual)
	for _, h := range []http.Header{
		{"Sec-Fetch-Site": {"cross-site"}},
		{"Origin": {"https://evil.example"}},
	} {
		if code, _, _ := b.Post("/orders", form, h); code != http.StatusForbidden {
			t.Errorf("%v: %d, want 403", h, code)
		}
	}
	if ids := b.MyOrders(); len(ids) != 0 {
		t.Error("a refused cross-site post must not be recorded")
	}
}

func TestOrderIsPricedByTheServer(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	form := review(t, b, tokyoAnnual)
	form.Set("credentials", "1") // the browser changes what it orders after the review
	code, body, _ := b.Post("/orders", form, nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "changed since this page was opened") {
		t.Fatalf("a changed order must be reviewed again: %d", code)
	}
	if !strings.Contains(body, `data-testid="quote-monthly-total">807.00`) {
		t.Errorf("the page must show the quote of what is now ordered: %s", regexp.MustCompile(`quote-monthly-total">[^<]*`).FindString(body))
	}
	// Posting the new terms (as the re-rendered page carries them) goes through.
	m := regexp.MustCompile(`name="terms_hash" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	form.Set("terms_hash", m[1])
	if code, _, _ := b.Post("/orders", form, nil); code != http.StatusSeeOther {
		t.Errorf("after a new review: %d", code)
	}
}

func TestBuyerFieldsAreValidated(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	base := review(t, b, tokyoAnnual)
	base.Set("accept_terms", "yes")
	for _, tc := range []struct{ field, value, want string }{
		{"account_id", "", "Enter your Tencent Cloud account ID"},
		{"account_id", "12ab", "digits only"},
		{"account_id", "123", "5 to 20 digits"},
		{"contact_name", "", "Enter the name"},
		{"contact_name", strings.Repeat("名", 101), "Keep this to 100 characters; it has 101."},
		{"contact_email", "ada", "like name@example.com"},
		{"contact_email", "Ada <ada@example.com>", "like name@example.com"},
		{"token", "forged", "expired"},
	} {
		form := url.Values{}
		for k, v := range base {
			form[k] = v
		}
		form.Set(tc.field, tc.value)
		code, body, _ := b.Post("/orders", form, nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, "<title>Error: Review your order") {
			t.Errorf("%s=%q: %d, want 422 saying %q, with Error in its title", tc.field, tc.value, code, tc.want)
		}
		// A field's problem is listed at the top too, linked to the field.
		if tc.field != "token" && !strings.Contains(body, `<li><a href="#`+tc.field+`">`) {
			t.Errorf("%s=%q: the summary at the top lacks a link to the field", tc.field, tc.value)
		}
	}
	// The refused form is the review, not the My orders page it was posted to.
	if _, body, _ := b.Post("/orders", url.Values{"product": {"ssm"}}, nil); strings.Contains(body, `aria-current="page"`) {
		t.Error("a refused order form marks a page of the menu as current")
	}
	// Several problems at once are all listed.
	form := url.Values{}
	for k, v := range base {
		form[k] = v
	}
	form.Set("account_id", "")
	form.Set("contact_email", "ada")
	form.Del("accept_terms")
	if _, body, _ := b.Post("/orders", form, nil); !strings.Contains(body, "Correct these 3 fields:") ||
		!strings.Contains(body, `<a href="#accept_terms">I accept the pricing terms</a>: Tick the box`) {
		t.Error("the summary must list every field with a problem")
	}
}

func TestHostileTextIsStoredAndShownEscaped(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	form := review(t, b, tokyoAnnual)
	form.Set("contact_name", `<script>alert(1)</script>'); DROP TABLE orders;--`)
	_, _, h := b.Post("/orders", form, nil)
	_, body, _ := b.Get(h.Get("Location"))
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the name must be shown escaped")
	}
	if ids := b.MyOrders(); len(ids) != 1 {
		t.Error("the orders table must survive the name")
	}
}

func TestReviewOfAnEstimateThatCannotBeOrdered(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	code, body, _ := b.Get("/purchase/ssm?credentials=-1")
	if code != http.StatusUnprocessableEntity || strings.Contains(body, "Place order") {
		t.Errorf("an invalid estimate: %d, and it must offer no order button", code)
	}
	if code, _, _ := b.Get("/purchase/ssm_legacy?credentials=1"); code != http.StatusNotFound {
		t.Errorf("old billing is never orderable: %d", code)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	_, _, h := b.Get("/purchase/" + tokyoAnnual)
	c := h.Get("Set-Cookie")
	for _, want := range []string{"console_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("Set-Cookie %q lacks %s", c, want)
		}
	}
	if strings.Contains(c, "Secure") {
		t.Error("Secure only with -secure-cookies")
	}
}

// downStore is an order store whose database does not answer, as the store reports
// it (ErrUnavailable); it checks the pages' answer to that, not the store.
type downStore struct{ store.Store }

func (downStore) PlaceOrder(context.Context, store.Order) (store.Order, bool, error) {
	return store.Order{}, false, store.ErrUnavailable
}
func (downStore) OrdersByOwner(context.Context, string, int) ([]store.Order, error) {
	return nil, store.ErrUnavailable
}
func (downStore) Order(context.Context, string) (store.Order, error) {
	return store.Order{}, errors.New("wrapped: " + store.ErrUnavailable.Error())
}

func TestDatabaseDownAnswers503AndKeepsTheForm(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	book, _ := pricing.EmbeddedBook()
	srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, downStore{st}))
	defer srv.Close()
	b := newBrowser(t, srv)
	form := review(t, b, tokyoAnnual)
	code, body, h := b.Post("/orders", form, nil)
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, `value="Ada Lovelace"`) {
		t.Errorf("place order with the database down: %d, Retry-After %q", code, h.Get("Retry-After"))
	}
	if code, _, _ := b.Get("/orders"); code != http.StatusServiceUnavailable {
		t.Errorf("My orders with the database down: %d", code)
	}
	if code, _, _ := b.Get("/ssm"); code != http.StatusOK {
		t.Errorf("the estimator keeps working: %d", code)
	}
}

// TestReviewAgainKeepsItsToken is the back button after ordering: the review page
// fetched again offers the same token, so posting it ends on the order already placed;
// ordering the same again is an explicit link.
func TestReviewAgainKeepsItsToken(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	first := review(t, b, tokyoAnnual)
	if again := review(t, b, tokyoAnnual); again.Get("token") != first.Get("token") {
		t.Fatal("the same review must keep its token within a session")
	}
	placed, err := b.PlaceOrder(first)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := b.Get("/purchase/" + tokyoAnnual)
	if !strings.Contains(body, `data-testid="already-placed"`) || !strings.Contains(body, placed) {
		t.Error("the review of a placed order must say so")
	}
	back := b.ReviewForm(tokyoAnnual)
	if id, err := b.PlaceOrder(back); err != nil || id != placed {
		t.Errorf("posting the review again: %q %v, want %s", id, err, placed)
	}
	_, body, _ = b.Get("/purchase/" + tokyoAnnual + "&again=1")
	if !strings.Contains(body, `data-testid="ordering-again"`) || !strings.Contains(body, `href="/orders/`+placed+`"`) {
		t.Error("the review that orders again must name the order placed already")
	}
	_, body, _ = b.Get("/purchase/" + tokyoAnnual + "&again=1") // reloaded before ordering
	if !strings.Contains(body, `href="/orders/`+placed+`"`) {
		t.Error("the review that orders again, reloaded, must still name the order placed already")
	}
	fresh := b.ReviewForm(tokyoAnnual + "&again=1")
	if fresh.Get("token") == first.Get("token") {
		t.Fatal("ordering again needs a new token")
	}
	second, err := b.PlaceOrder(fresh)
	if err != nil || second == placed {
		t.Errorf("ordering the same again: %q %v", second, err)
	}
	if ids := b.MyOrders(); len(ids) != 2 {
		t.Errorf("My orders lists %d, want 2", len(ids))
	}
	// Back (or a reload) to the page that ordered again names the second order, so
	// that a third is not placed unawares.
	if _, body, _ := b.Get("/purchase/" + tokyoAnnual + "&again=1"); !strings.Contains(body, `href="/orders/`+second+`"`) {
		t.Error("the review that ordered again, loaded again, must name the order it placed")
	}
}

// TestAnOrderOpensFromItsPrivateLink: the confirmation gives a link that opens the
// order from any browser; without it, or with another key, the order does not exist.
func TestAnOrderOpensFromItsPrivateLink(t *testing.T) {
	srv := newPurchaseServer(t)
	buyer := newBrowser(t, srv)
	id, err := buyer.PlaceOrder(review(t, buyer, tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := buyer.Get("/orders/" + id)
	m := regexp.MustCompile(`href="(/orders/` + id + `\?key=([a-z2-7]{52}))" data-testid="private-link"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the order's page must give its private link")
	}
	link, key := html.UnescapeString(m[1]), m[2]
	elsewhere := newBrowser(t, srv)
	code, body, h := elsewhere.Get(link)
	if code != http.StatusOK || !strings.Contains(body, `data-testid="order-id">`+id) {
		t.Errorf("the private link from another browser: %d, want the order", code)
	}
	if h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the order's page sends Referrer-Policy %q: its links would pass the key on", h.Get("Referrer-Policy"))
	}
	if !strings.Contains(body, "You are seeing this order through its private link.") || strings.Contains(body, `<a href="/orders">All my orders</a>`) {
		t.Error("seen through its link, the order's page must say so, and not offer this browser's orders")
	}
	if _, body, _ := buyer.Get("/orders/" + id); strings.Contains(body, "through its private link") || !strings.Contains(body, `<a href="/orders">All my orders</a>`) {
		t.Error("in the placing browser, the order's page is its buyer's")
	}
	second := newBrowser(t, srv)
	otherID, err := second.PlaceOrder(review(t, second, tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	_, otherPage, _ := second.Get("/orders/" + otherID)
	otherKey := regexp.MustCompile(`\?key=([a-z2-7]{52})`).FindStringSubmatch(otherPage)
	if otherKey == nil {
		t.Fatal("the second order's page gives no private link")
	}
	for _, path := range []string{"/orders/" + id, "/orders/" + id + "?key=", "/orders/" + id + "?key=" + strings.ToUpper(key),
		"/orders/" + id + "?key=" + otherKey[1],
		"/orders/" + id + "?key=" + key[:51], "/orders/" + id + "?key=" + key + "a"} {
		if code, body, _ := elsewhere.Get(path); code != http.StatusNotFound || strings.Contains(body, id) ||
			!strings.Contains(body, "An order's page opens in the browser it was placed from, and anywhere with its private link") {
			t.Errorf("%s from another browser: %d, want 404, nothing of the order, and where orders open", path, code)
		}
	}
	if ids := elsewhere.MyOrders(); len(ids) != 0 {
		t.Errorf("opening an order by its link lists it in that browser's orders: %v", ids)
	}
}

// TestAnOrderGetsANewPrivateLink: the placing browser can replace the order's private
// link (one that reached the wrong people); the old one then opens nothing. No one
// else can, not even with the link.
func TestAnOrderGetsANewPrivateLink(t *testing.T) {
	srv := newPurchaseServer(t)
	buyer := newBrowser(t, srv)
	id, err := buyer.PlaceOrder(review(t, buyer, tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	linkOf := func(body string) string {
		m := regexp.MustCompile(`href="(/orders/` + id + `\?key=[a-z2-7]{52})" data-testid="private-link"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the order's page must give its private link")
		}
		return html.UnescapeString(m[1])
	}
	_, body, _ := buyer.Get("/orders/" + id)
	old := linkOf(body)
	if !strings.Contains(body, `action="/orders/`+id+`/link"`) || strings.Contains(body, `data-testid="relinked"`) {
		t.Error("the placing browser is offered a new link, and told nothing of one yet")
	}

	// Through the link, or from another browser: no new link, and the order does not exist.
	elsewhere := newBrowser(t, srv)
	if _, body, _ := elsewhere.Get(old); strings.Contains(body, `/link"`) {
		t.Error("seen through its link, the order offers no new link")
	}
	for _, c := range []*testserver.Client{elsewhere, newBrowser(t, srv)} {
		if code, body, _ := c.Post("/orders/"+id+"/link", url.Values{}, nil); code != http.StatusNotFound || strings.Contains(body, id) {
			t.Errorf("a new link asked for by another browser: %d, want 404", code)
		}
	}
	if code, _, _ := elsewhere.Get(old); code != http.StatusOK {
		t.Fatalf("a refused new link must leave the old one working: %d", code)
	}

	code, _, h := buyer.Post("/orders/"+id+"/link", url.Values{}, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/orders/"+id {
		t.Fatalf("a new link: %d to %q, want 303 to the order", code, h.Get("Location"))
	}
	_, body, _ = buyer.Get("/orders/" + id)
	fresh := linkOf(body)
	if fresh == old || !strings.Contains(body, `data-testid="relinked"`) {
		t.Errorf("the order's page must give the new link (%s), and say the old one is gone", fresh)
	}
	if _, body, _ := buyer.Get("/orders/" + id); strings.Contains(body, `data-testid="relinked"`) {
		t.Error("the page says so once")
	}
	if code, body, _ := elsewhere.Get(old); code != http.StatusNotFound || strings.Contains(body, id) {
		t.Errorf("the old link: %d, want 404", code)
	}
	if code, _, _ := elsewhere.Get(fresh); code != http.StatusOK {
		t.Errorf("the new link: %d, want the order", code)
	}
}

// TestAnOrderWithoutAViewKeyHasNoPrivateLink: an order placed before there were
// private links opens only in its own browser; an empty key is not its key.
func TestAnOrderWithoutAViewKeyHasNoPrivateLink(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(t.Context(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	book, _ := pricing.EmbeddedBook()
	srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, st))
	t.Cleanup(srv.Close)
	buyer := newBrowser(t, srv)
	id, err := buyer.PlaceOrder(review(t, buyer, tokyoAnnual))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE orders SET view_key = NULL WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := buyer.Get("/orders/" + id); strings.Contains(body, `data-testid="private-link"`) || !strings.Contains(body, id) {
		t.Error("an order without a view key shows its buyer no private link")
	}
	for _, path := range []string{"/orders/" + id + "?key=", "/orders/" + id + "?key=x"} {
		if code, _, _ := newBrowser(t, srv).Get(path); code != http.StatusNotFound {
			t.Errorf("%s from another browser: %d, want 404", path, code)
		}
	}
}

// TestMyOrdersListsTheMostRecentAndSaysWhenThereAreMore: the list stops at the
// newest myOrdersShown, and a buyer with more is told so rather than left to think
// the older ones are gone.
func TestMyOrdersListsTheMostRecentAndSaysWhenThereAreMore(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	place := func() string {
		t.Helper()
		code, _, h := b.Post("/orders", b.ReviewForm(tokyoAnnual+"&again=1"), nil)
		if code != http.StatusSeeOther {
			t.Fatalf("place order: %d", code)
		}
		return strings.TrimPrefix(h.Get("Location"), "/orders/")
	}
	var first string
	for i := range 100 {
		id := place()
		if i == 0 {
			first = id
		}
	}
	_, body, _ := b.Get("/orders")
	if ids := b.MyOrders(); len(ids) != 100 || strings.Contains(body, `data-testid="orders-more"`) {
		t.Fatalf("with 100 orders: %d listed, note shown %v; want all 100 and no note",
			len(ids), strings.Contains(body, `data-testid="orders-more"`))
	}

	newest := place()
	ids := b.MyOrders()
	if len(ids) != 100 || ids[0] != newest || slices.Contains(ids, first) {
		t.Errorf("with 101 orders: %d listed, newest first %v, oldest left out %v; want the 100 most recent",
			len(ids), len(ids) > 0 && ids[0] == newest, !slices.Contains(ids, first))
	}
	_, body, _ = b.Get("/orders")
	if !strings.Contains(body, "These are your 100 most recent orders") {
		t.Error("with 101 orders, the page does not say that older ones are not listed")
	}
	if code, body, _ := b.Get("/orders/" + first); code != http.StatusOK || !strings.Contains(body, first) {
		t.Errorf("the oldest order's own page: %d", code)
	}
}

// TestBackFromTheReviewKeepsTheEstimate: the review's Back link returns to the
// estimate as it was left, with the comparison and the sizing from needs that an
// order does not carry, also from the page of a form refused.
func TestBackFromTheReviewKeepsTheEstimate(t *testing.T) {
	b := newBrowser(t, newPurchaseServer(t))
	review := "/purchase/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1" +
		"&compare=1&api_calls=60000&api_calls_unit=day&needs=1&needs_secrets=2500&needs_qps=1500"
	_, body, _ := b.Get(review)
	form := b.ReviewFormAt(review)
	form.Set("account_id", "1")
	code, refused, _ := b.Post("/orders", form, nil)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a form with a wrong account ID: %d, want 422", code)
	}
	for page, body := range map[string]string{"the review": body, "the refused form": refused} {
		back := regexp.MustCompile(`<a href="([^"]*)">Back to the estimate</a>`).FindStringSubmatch(body)
		if back == nil {
			t.Fatalf("%s: no Back to the estimate link", page)
		}
		u, err := url.Parse(html.UnescapeString(back[1]))
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"region": "ap-tokyo", "credentials": "2500", "compare": "1", "api_calls": "60000",
			"api_calls_unit": "day", "needs": "1", "needs_secrets": "2500", "needs_qps": "1500"} {
			if got := u.Query().Get(k); got != want {
				t.Errorf("%s: Back link %s: %s=%q, want %q", page, u, k, got, want)
			}
		}
	}
}

// TestReviewSizesFromNeedsAsTheEstimateDid: with sizing from needs on, the estimate
// priced the subscription sized from them, whatever the credentials field held (the
// page's script may not have filled it in yet); the review orders that same size.
func TestReviewSizesFromNeedsAsTheEstimateDid(t *testing.T) {
	srv := newPurchaseServer(t)
	b := newBrowser(t, srv)
	q := "region=ap-beijing&needs=1&needs_secrets=2500&needs_qps=3000&credentials=1000&qps_units=0&billing=monthly&term=1"
	_, estimate, _ := b.Get("/ssm?" + q)
	const total = "1,374.00" // 3 packages (1,500 QPS) and 3 QPS units: 3 × 366 + 3 × 92
	if !strings.Contains(estimate, total) {
		t.Fatalf("the estimate lacks %s", total)
	}
	form := b.ReviewForm("ssm?" + q)
	if form.Get("credentials") != "2500" || form.Get("qps_units") != "3" {
		t.Errorf("the review orders credentials=%s qps_units=%s, want the 2500 and 3 sized from needs",
			form.Get("credentials"), form.Get("qps_units"))
	}
	id, err := b.PlaceOrder(form)
	if err != nil {
		t.Fatal(err)
	}
	if _, body, _ := b.Get("/orders/" + id); !strings.Contains(body, total) {
		t.Errorf("the order lacks the estimate's %s", total)
	}
	// Needs that cannot be sized cannot be ordered.
	if _, body, _ := b.Get("/purchase/ssm?needs=1&needs_secrets=abc&credentials=1000"); strings.Contains(body, `name="token"`) ||
		!strings.Contains(body, "This estimate has problems") {
		t.Error("a review of needs that cannot be sized must offer no order")
	}
}
