package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// The purchase journeys: from a quote to the review page, the terms, the order and
// "My orders", with the Tokyo annual quote of /work/shared/PRICING.md (3 x 529 +
// 2 x 139 = 1,865.00 a month, 22,380.00 up front for a year).

const (
	tokyoAnnualReview = "/purchase/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1"
	acceptTerms       = "I accept the pricing terms"
)

var (
	reviewURL = regexp.MustCompile(`/purchase/ssm\?`)
	orderURL  = regexp.MustCompile(`/orders/[^/?#]+$`)
)

// reviewFromEstimator sets up the Tokyo annual quote on /ssm and presses Purchase.
func reviewFromEstimator(t *testing.T, page playwright.Page) {
	t.Helper()
	goTo(t, page, "/ssm")
	choose(t, page, "Region", "Tokyo")
	fill(t, page, "Credentials", "2500")
	fill(t, page, "QPS units", "2")
	choose(t, page, "Billing mode", "Annual")
	fill(t, page, "Term", "1")
	wantTotals(t, page, "1,865.00", "22,380.00")
	click(t, button(page, "Purchase"), "Purchase")
	wantReviewURL(t, page)
	wantReview(t, page)
}

// wantReviewURL waits until the page is at the review page's address.
func wantReviewURL(t *testing.T, page playwright.Page) {
	t.Helper()
	if err := expect.Page(page).ToHaveURL(reviewURL); err != nil {
		t.Fatalf("want the review page, at %s: %v", page.URL(), err)
	}
}

// wantReview waits for the review page of the Tokyo annual quote, wherever it is
// shown (after a refused order it is the answer to the form's post).
func wantReview(t *testing.T, page playwright.Page) {
	t.Helper()
	wantVisible(t, page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Review your order"}), "the review heading")
	wantTotals(t, page, "1,865.00", "22,380.00")
}

// fillBuyer fills the buyer's fields with valid values.
func fillBuyer(t *testing.T, page playwright.Page) {
	t.Helper()
	fill(t, page, "Account ID", "100012345678")
	fill(t, page, "Contact name", "Ada Lovelace")
	fill(t, page, "Contact email", "ada@example.com")
}

// placeTokyoAnnual orders the Tokyo annual quote from its review page, as a buyer who
// fills everything in, and returns the order's ID.
func placeTokyoAnnual(t *testing.T, page playwright.Page) string {
	t.Helper()
	goTo(t, page, tokyoAnnualReview)
	fillBuyer(t, page)
	tick(t, page, acceptTerms)
	click(t, button(page, "Place order"), "Place order")
	return wantConfirmation(t, page)
}

// wantConfirmation waits for the page of a just-placed order and returns its ID.
func wantConfirmation(t *testing.T, page playwright.Page) string {
	t.Helper()
	if err := expect.Page(page).ToHaveURL(orderURL); err != nil {
		t.Fatalf("want an order page, at %s: %v", page.URL(), err)
	}
	wantVisible(t, page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Thank you: your order is placed"}), "the thank-you heading")
	return orderID(t, page)
}

// orderID waits for an order page and returns the order ID it shows.
func orderID(t *testing.T, page playwright.Page) string {
	t.Helper()
	if err := expect.Page(page).ToHaveURL(orderURL); err != nil {
		t.Fatalf("want an order page, at %s: %v", page.URL(), err)
	}
	id := page.GetByTestId("order-id")
	if err := expect.Locator(id).ToHaveText(regexp.MustCompile(`\S`)); err != nil {
		t.Fatalf("the order page shows no order ID: %v", err)
	}
	s, err := id.InnerText()
	if err != nil {
		t.Fatal(err)
	}
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(page.URL(), "/orders/"+s) {
		t.Errorf("order ID %q is not the one in the URL %s", s, page.URL())
	}
	return s
}

// myOrders opens "My orders" and returns the order IDs it links to.
func myOrders(t *testing.T, page playwright.Page) []string {
	t.Helper()
	goTo(t, page, "/orders")
	wantVisible(t, page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "My orders"}), "the My orders heading")
	ids, err := page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "My orders"}).GetByRole("link").AllInnerTexts()
	if err != nil {
		t.Fatalf("My orders: %v", err)
	}
	if len(ids) == 0 {
		wantVisible(t, page.GetByText("No orders from this browser yet"), "the empty My orders")
	}
	return ids
}

// TestPurchaseNeedsTheTermsAndIsPrivate (issue journey 6): no order without the terms
// accepted; once placed, the order is in this browser's "My orders" and nowhere else.
func TestPurchaseNeedsTheTermsAndIsPrivate(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	reviewFromEstimator(t, page)
	fillBuyer(t, page)

	click(t, button(page, "Place order"), "Place order")
	wantVisible(t, fieldOf(page, acceptTerms).GetByTestId("field-error"), "the message next to the checkbox")
	wantCount(t, page.GetByTestId("field-error"), "messages on the page", 1)
	wantReview(t, page) // still the review page, now as the answer to the form's post
	wantValue(t, label(page, "Contact name"), "the name after the refusal", "Ada Lovelace")
	screenshot(t, page, "purchase-terms-error")

	// "My orders" in another tab of the same browser: nothing was recorded.
	tab, err := page.Context().NewPage()
	if err != nil {
		t.Fatal(err)
	}
	if ids := myOrders(t, tab); len(ids) != 0 {
		t.Errorf("a refused order is listed: %q", ids)
	}

	tick(t, page, acceptTerms)
	click(t, button(page, "Place order"), "Place order")
	id := wantConfirmation(t, page)
	confirmation := page.URL()
	screenshot(t, page, "purchase-confirmation")

	if ids := myOrders(t, tab); len(ids) != 1 || ids[0] != id {
		t.Errorf("My orders lists %q, want [%s]", ids, id)
	}
	click(t, tab.GetByRole("link", playwright.PageGetByRoleOptions{Name: id, Exact: playwright.Bool(true)}), "the order's link")
	wantText(t, tab.GetByTestId("order-id"), "the order opened from My orders", id)

	other := newPage(t, srv)
	resp, err := other.Goto(confirmation)
	if err != nil {
		t.Fatalf("another browser opens %s: %v", confirmation, err)
	}
	if resp.Status() != http.StatusNotFound {
		t.Errorf("another browser gets %d on %s, want 404", resp.Status(), confirmation)
	}
	wantCount(t, other.GetByTestId("order-id"), "order IDs shown to another browser", 0)
	if ids := myOrders(t, other); len(ids) != 0 {
		t.Errorf("another browser's My orders lists %q", ids)
	}
}

// TestDoubleClickPlacesOneOrder (journey 7): an impatient buyer on a slow line clicks
// "Place order" a second time while the first click is still on its way: one order.
// The page's script sends the form once; without the script (or with a browser that
// sends again anyway) the server places the order once for both posts.
func TestDoubleClickPlacesOneOrder(t *testing.T) {
	srv := startServer(t)
	for _, c := range doubleClicks {
		t.Run(c.name, func(t *testing.T) {
			page := newPage(t, srv, c.opts...)
			goTo(t, page, tokyoAnnualReview)
			fillBuyer(t, page)
			tick(t, page, acceptTerms)
			posts := clickTwiceOnASlowLine(t, page, "**/orders", button(page, "Place order"))
			id := wantConfirmation(t, page)
			if n := posts.Load(); n != c.posts {
				t.Errorf("the browser posted the order %d times, want %d", n, c.posts)
			}
			screenshot(t, page, "purchase-double-click")
			if ids := myOrders(t, page); len(ids) != 1 || ids[0] != id {
				t.Errorf("after a double click My orders lists %q, want [%s]", ids, id)
			}
		})
	}
}

// TestKeyboardOnlyPurchase (journey 8): from the estimator to the confirmation with
// Tab, typing, arrow keys, Space and Enter only.
func TestKeyboardOnlyPurchase(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	k := keyboard(t, page)

	// Tab moves on until it reaches each control; the maxima leave room for the
	// controls between (a checkbox, the quote's line details), not for a lost focus.
	k.tabTo(label(page, "Region"), "Region", 6)
	k.press("End") // Tokyo is the last region
	wantValue(t, label(page, "Region"), "region", "ap-tokyo")
	k.tabTo(label(page, "Credentials"), "Credentials", 4)
	k.typeText("2500") // Tab selects the field's text, so typing replaces it
	k.tabTo(label(page, "QPS units"), "QPS units", 2)
	k.typeText("2")
	k.tabTo(label(page, "Billing mode"), "Billing mode", 2)
	k.press("ArrowDown")
	wantValue(t, label(page, "Billing mode"), "billing", "annual")
	k.tabTo(label(page, "Term"), "Term", 2)
	k.typeText("1")
	wantTotals(t, page, "1,865.00", "22,380.00")
	k.tabTo(button(page, "Purchase"), "Purchase", 20)
	k.press("Enter")
	wantReviewURL(t, page)
	wantReview(t, page)

	k.tabTo(label(page, "Account ID"), "Account ID", 25)
	k.typeText("100012345678")
	k.tabTo(label(page, "Contact name"), "Contact name", 2)
	k.typeText("Ada Lovelace")
	k.tabTo(label(page, "Contact email"), "Contact email", 2)
	k.typeText("ada@example.com")
	k.tabTo(label(page, acceptTerms), "the terms checkbox", 6)
	k.press("Space")
	if err := expect.Locator(label(page, acceptTerms)).ToBeChecked(); err != nil {
		t.Fatalf("Space did not tick the checkbox: %v", err)
	}
	k.tabTo(button(page, "Place order"), "Place order", 2)
	k.press("Enter")
	wantConfirmation(t, page)
	screenshot(t, page, "purchase-keyboard-only")
}

// TestReviewPageFitsAPhone (journey 9): at 375px the review page does not scroll
// sideways, and axe finds nothing serious on it with an error shown, nor on the
// confirmation.
func TestReviewPageFitsAPhone(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv, withViewport(375, 740), withBypassCSP())
	goTo(t, page, tokyoAnnualReview)
	wantReview(t, page)
	if w := scrollWidth(t, page); w > 375 {
		t.Errorf("review page: scrollWidth %d > 375: it scrolls sideways", w)
	}

	click(t, button(page, "Place order"), "Place order") // nothing filled: four errors
	wantCount(t, page.GetByTestId("field-error"), "messages on the page", 4)
	if w := scrollWidth(t, page); w > 375 {
		t.Errorf("review page with errors: scrollWidth %d > 375: it scrolls sideways", w)
	}
	screenshot(t, page, "phone-review-errors")
	axeAudit(t, page, "the review page with errors")

	fillBuyer(t, page)
	tick(t, page, acceptTerms)
	click(t, button(page, "Place order"), "Place order")
	wantConfirmation(t, page)
	screenshot(t, page, "phone-confirmation")
	axeAudit(t, page, "the confirmation")
}

// TestBackButtonAfterOrderingKeepsOneOrder: going back from the confirmation to the
// review page and placing the order again does not order twice.
func TestBackButtonAfterOrderingKeepsOneOrder(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	id := placeTokyoAnnual(t, page)

	if _, err := page.GoBack(); err != nil {
		t.Fatalf("back: %v", err)
	}
	wantReviewURL(t, page)
	wantReview(t, page)
	// Whatever the browser kept of the form, the buyer sees it filled in and ticked.
	fillBuyer(t, page)
	tick(t, page, acceptTerms)
	click(t, button(page, "Place order"), "Place order again")
	again := orderID(t, page)
	if again != id {
		t.Errorf("going back and placing the order again made order %s, want to land on %s", again, id)
	}
	screenshot(t, page, "purchase-back-button")
	if ids := myOrders(t, page); len(ids) != 1 || ids[0] != id {
		t.Errorf("after going back and ordering again My orders lists %q, want [%s]", ids, id)
	}
}

// TestABuyerReplacesTheOrdersPrivateLink: from the browser that placed it, the buyer
// makes a new private link; the old one then opens nothing in another browser.
func TestABuyerReplacesTheOrdersPrivateLink(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv, withBypassCSP()) // for axe
	placeTokyoAnnual(t, page)
	old, err := page.GetByTestId("private-link").GetAttribute("href")
	if err != nil || old == "" {
		t.Fatalf("the private link: %q %v", old, err)
	}
	click(t, button(page, "Make a new link"), "Make a new link")
	wantVisible(t, page.GetByTestId("relinked"), "the note that the link is new")
	if err := expect.Locator(page.GetByTestId("relinked")).ToBeFocused(); err != nil {
		t.Errorf("the note that the link is new must take the focus, to be read out: %v", err)
	}
	fresh, err := page.GetByTestId("private-link").GetAttribute("href")
	if err != nil || fresh == old || !strings.HasPrefix(fresh, "/orders/") {
		t.Fatalf("the new link %q (%v); the old was %q", fresh, err, old)
	}
	screenshot(t, page, "order-new-private-link")
	axeAudit(t, page, "an order with its new private link")

	elsewhere := newPage(t, srv)
	goTo(t, elsewhere, fresh)
	wantVisible(t, elsewhere.GetByTestId("order-id"), "the order, through its new link")
	if resp, err := elsewhere.Goto(srv.URL + old); err != nil || resp.Status() != 404 {
		t.Errorf("the old link: %v %v, want 404", resp, err)
	}
}
