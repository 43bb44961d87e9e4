package e2e

import (
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"kmsconsole/internal/testserver"
)

// signedInRep starts a console with one rep, rep@example.com, and signs them in on
// a new page.
func signedInRep(t *testing.T, opts ...pageOption) (*server, playwright.Page) {
	t.Helper()
	dir := t.TempDir()
	add := exec.Command(consoleBin, "user", "add", "-email", "rep@example.com", "-data", dir)
	add.Stdin = strings.NewReader("correct horse battery staple\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("console user add: %v\n%s", err, out)
	}
	srv := startServer(t, testserver.DataDir(dir))
	rep := newPage(t, srv, opts...)
	goTo(t, rep, "/signin")
	fill(t, rep, "Email", "rep@example.com")
	fill(t, rep, "Password", "correct horse battery staple")
	click(t, button(rep, "Sign in"), "Sign in")
	return srv, rep
}

// TestRepSharesAQuoteAndTheCustomerOrdersIt is journey 10: a rep signs in, builds a
// two-region quote, saves it, and a customer opens the share link in a fresh browser
// and orders from it.
func TestRepSharesAQuoteAndTheCustomerOrdersIt(t *testing.T) {
	srv, rep := signedInRep(t)
	wantVisible(t, rep.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Order desk"}), "the order desk")

	goTo(t, rep, "/quotes/new")
	// One Update totals button shows: the hidden default one for Enter does not.
	wantCount(t, button(rep, "Update totals"), "visible Update totals buttons", 1)
	fill(t, rep, "Quote name", "Acme two regions")
	fill(t, rep, "Customer name", "Acme Ltd")
	// Enter in a field submits the form with its first submit button, which must
	// update the totals, not duplicate line 1 (the first visible one).
	if _, err := rep.Evaluate(`() => { window.beforeEnter = true }`); err != nil {
		t.Fatal(err)
	}
	if err := label(rep, "Customer name").Press("Enter"); err != nil {
		t.Fatal(err)
	}
	if _, err := rep.WaitForFunction(`() => !window.beforeEnter && document.readyState === "complete"`, nil); err != nil {
		t.Fatalf("Enter in Customer name did not submit the form: %v", err)
	}
	wantCount(t, rep.GetByTestId("builder-line"), "lines after Enter in a field", 1)
	wantValue(t, label(rep, "Customer name"), "customer name after Enter", "Acme Ltd")
	click(t, button(rep, "Add a KMS line"), "Add a KMS line")
	wantCount(t, rep.GetByTestId("builder-line"), "lines", 2)
	if _, err := label(rep, "Region").Nth(1).SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Tokyo"}}); err != nil {
		t.Fatal(err)
	}
	click(t, button(rep, "Save version"), "Save version")
	wantVisible(t, rep.GetByTestId("saved"), "saved as version 1")
	if err := expect.Locator(rep.GetByTestId("saved")).ToBeFocused(); err != nil {
		t.Errorf("the saved notice must take the focus, to be read out: %v", err)
	}
	click(t, button(rep, "Create a share link of version 1"), "Create a share link")
	link, err := rep.GetByTestId("share-link").First().GetAttribute("href")
	if err != nil || link == "" {
		t.Fatalf("share link: %q %v", link, err)
	}
	// The link is shown whole, to paste into an email, with a button that copies it.
	wantText(t, rep.GetByTestId("share-link").First(), "the share link as shown", srv.URL+link)
	if err := rep.Context().GrantPermissions([]string{"clipboard-read", "clipboard-write"}); err != nil {
		t.Fatal(err)
	}
	click(t, button(rep, "Copy link to version 1"), "Copy link")
	wantText(t, rep.Locator("#quote-status"), "the status line after copying", "The link to version 1 is copied.")
	if copied, err := rep.Evaluate(`() => navigator.clipboard.readText()`); err != nil || copied != srv.URL+link {
		t.Errorf("the clipboard holds %v (%v), want %s", copied, err, srv.URL+link)
	}
	screenshot(t, rep, "rep-quote-builder")
	quotePage := strings.TrimPrefix(rep.URL(), srv.URL)
	click(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Print", Exact: playwright.Bool(true)}), "the print view")
	wantVisible(t, button(rep, "Print"), "the print view's Print button")
	click(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Back to version 1"}), "Back to version 1")
	wantVisible(t, rep.GetByTestId("shared-version"), "the version's page")
	goTo(t, rep, quotePage)

	customer := newPage(t, srv)
	goTo(t, customer, link)
	wantVisible(t, customer.GetByText("Acme two regions"), "the shared quote")
	click(t, customer.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Purchase", Exact: playwright.Bool(true)}), "Purchase")
	fill(t, customer, "Account ID", "100012345678")
	fill(t, customer, "Contact name", "Ada Lovelace")
	fill(t, customer, "Contact email", "ada@example.com")
	tick(t, customer, "I accept the pricing terms")
	click(t, button(customer, "Place order"), "Place order")
	id, err := customer.GetByTestId("order-id").TextContent()
	if err != nil || !strings.HasPrefix(id, "ord_") {
		t.Fatalf("order id %q %v", id, err)
	}
	screenshot(t, customer, "customer-ordered-shared-quote")

	goTo(t, rep, "/desk?q="+id)
	wantVisible(t, rep.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "rep@example.com"}), "the rep on the order")

	// On a phone, the share link and the order's ID wrap: the pages do not scroll sideways.
	if err := rep.SetViewportSize(375, 740); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{quotePage, "/desk/orders/" + id} {
		goTo(t, rep, path)
		if w := scrollWidth(t, rep); w > 375 {
			t.Errorf("%s: scrollWidth %d > 375: it scrolls sideways", path, w)
		}
	}
	screenshot(t, rep, "phone-rep-desk-order")
}

// TestBuilderSaysWhenTheRepIsSignedOut: when a rep's session ends while they edit a
// quote, the live totals cannot be fetched (the preview sends them to sign in); the
// page says so, and keeps what was typed, rather than leave the totals silently old.
// Saving then saves nothing, and the form comes back as typed.
func TestBuilderSaysWhenTheRepIsSignedOut(t *testing.T) {
	_, rep := signedInRep(t)
	goTo(t, rep, "/quotes/new")
	fill(t, rep, "Quote name", "Acme")
	if err := rep.Context().ClearCookies(); err != nil { // the session ends
		t.Fatal(err)
	}
	fill(t, rep, "Customer name", "Acme Ltd")
	want := "You are signed out, so the totals are not updated. Sign in again in another tab, then save here: this page keeps what you typed."
	wantText(t, rep.GetByRole("status"), "the spoken note", want)
	wantText(t, rep.Locator(".update-failed"), "the note over the quote", want)
	wantValue(t, label(rep, "Quote name"), "the quote name", "Acme")
	// Saved anyway: nothing is saved, and the form comes back as typed.
	click(t, button(rep, "Save version"), "Save version")
	wantVisible(t, rep.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Quote not saved"}), "the page of a form sent signed out")
	wantValue(t, label(rep, "Quote name"), "the quote name, sent signed out", "Acme")
	wantValue(t, label(rep, "Customer name"), "the customer name, sent signed out", "Acme Ltd")
	wantVisible(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Sign in (opens in a new tab)"}), "the way to sign in again")
	screenshot(t, rep, "rep-saved-signed-out")
}

// TestBuilderRefusesToSaveOverAVersionSavedMeanwhile: a quote open in two tabs; the
// second tab's save does not silently replace what the first saved. It is told who
// saved which version, keeps what it typed, and saves on top once the rep says so.
func TestBuilderRefusesToSaveOverAVersionSavedMeanwhile(t *testing.T) {
	_, first := signedInRep(t, withBypassCSP()) // for axe
	goTo(t, first, "/quotes/new")
	fill(t, first, "Quote name", "Acme")
	click(t, button(first, "Save version"), "Save version")
	wantVisible(t, first.GetByTestId("saved"), "saved as version 1")
	saved, err := url.Parse(first.URL())
	if err != nil || !strings.HasPrefix(saved.Path, "/quotes/qte_") {
		t.Fatalf("after the first save, at %s: %v", first.URL(), err)
	}

	second, err := first.Context().NewPage() // a second tab, signed in as the first

	if err != nil {
		t.Fatal(err)
	}
	goTo(t, second, saved.Path)
	fill(t, first, "Customer name", "Acme Ltd")
	click(t, button(first, "Save version"), "Save version in the first tab")
	wantText(t, first.GetByTestId("saved"), "the first tab's save", "Saved as version 2.")

	fill(t, second, "Notes", "Typed in the second tab")
	click(t, button(second, "Save version"), "Save version in the second tab")
	changed := second.GetByTestId("quote-changed")
	wantVisible(t, changed, "the note that another version was saved")
	if text, _ := changed.InnerText(); !strings.Contains(text, "rep@example.com saved version 2 at") ||
		!strings.Contains(text, "save yours as version 3") {
		t.Errorf("the note says %q", text)
	}
	wantValue(t, label(second, "Notes"), "the second tab's notes", "Typed in the second tab")
	wantValue(t, label(second, "Customer name"), "the second tab's customer name", "")
	wantVisible(t, second.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Compare them with version 2 (opens in a new tab)"}),
		"the link to the version saved meanwhile")
	screenshot(t, second, "rep-quote-changed-meanwhile")
	axeAudit(t, second, "quote changed meanwhile")

	click(t, button(second, "Save version"), "Save version again")
	wantText(t, second.GetByTestId("saved"), "the second tab's save", "Saved as version 3.")
}

// TestDoubleClickOnSaveSavesOnce: a second click on Save version while the first
// save is on its way sends nothing, so a new quote is not saved twice. Without the
// script both clicks are sent, and the form's quote ID makes them one quote.
func TestDoubleClickOnSaveSavesOnce(t *testing.T) {
	for _, c := range doubleClicks {
		t.Run(c.name, func(t *testing.T) {
			_, rep := signedInRep(t, c.opts...)
			goTo(t, rep, "/quotes/new")
			fill(t, rep, "Quote name", "Clicked twice")
			posts := clickTwiceOnASlowLine(t, rep, "**/quotes/new", button(rep, "Save version"))
			wantVisible(t, rep.GetByTestId("saved"), "saved as version 1")
			if n := posts.Load(); n != c.posts {
				t.Errorf("the browser posted the quote %d times, want %d", n, c.posts)
			}
			goTo(t, rep, "/quotes")
			wantCount(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Clicked twice"}), "quotes saved", 1)
		})
	}
}

// TestAStoppedSaveCanBeTriedAgain: a save that never arrives (stopped, or lost on the
// way) leaves the page as it was; a click on Save soon after sends nothing, as for a
// double click, but a while later it sends again, and saves once.
func TestAStoppedSaveCanBeTriedAgain(t *testing.T) {
	_, rep := signedInRep(t)
	if err := rep.Clock().Install(); err != nil {
		t.Fatal(err)
	}
	goTo(t, rep, "/quotes/new")
	fill(t, rep, "Quote name", "Stopped once")
	var posts atomic.Int32
	err := rep.Route("**/quotes/new", func(r playwright.Route) {
		if r.Request().Method() != http.MethodPost {
			_ = r.Continue()
			return
		}
		if posts.Add(1) == 1 {
			// No answer to show: the browser stays on the page, as when the rep
			// stops the send.
			_ = r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(http.StatusNoContent)})
			return
		}
		_ = r.Continue()
	})
	if err != nil {
		t.Fatal(err)
	}
	save := button(rep, "Save version")
	click(t, save, "Save version")
	if err := expect.Locator(rep.Locator("form[data-sending]")).ToHaveCount(1); err != nil {
		t.Fatalf("the form is not marked as sending: %v", err)
	}
	click(t, save, "Save version at once")
	if err := rep.Clock().RunFor(1000); err != nil {
		t.Fatal(err)
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("a click just after the send posted again: %d posts, want 1", n)
	}
	if err := rep.Clock().FastForward(11000); err != nil {
		t.Fatal(err)
	}
	click(t, save, "Save version a while later")
	wantVisible(t, rep.GetByTestId("saved"), "saved as version 1")
	if n := posts.Load(); n != 2 {
		t.Errorf("%d posts, want the lost one and the one a while later", n)
	}
	goTo(t, rep, "/quotes")
	wantCount(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Stopped once"}), "quotes saved", 1)
}

// TestBuilderWarnsBeforeLeavingUnsavedChanges: a share link made from the builder
// reloads the saved version, and a link leaves the page, so with changes typed the
// page asks first; staying keeps them, and asks again on the next try.
func TestBuilderWarnsBeforeLeavingUnsavedChanges(t *testing.T) {
	_, rep := signedInRep(t)
	goTo(t, rep, "/quotes/new")
	fill(t, rep, "Quote name", "Acme")
	click(t, button(rep, "Save version"), "Save version")
	wantVisible(t, rep.GetByTestId("saved"), "saved as version 1")

	dialogs := make(chan string, 8)
	rep.OnDialog(func(d playwright.Dialog) {
		dialogs <- d.Type()
		_ = d.Dismiss() // stay on the page
	})
	asked := func(what, want string) {
		t.Helper()
		select {
		case typ := <-dialogs:
			if typ != want {
				t.Errorf("%s: dialog %q, want %q", what, typ, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: leaving with unsaved changes did not ask first", what)
		}
	}
	noClickWait := playwright.LocatorClickOptions{NoWaitAfter: playwright.Bool(true)}
	fill(t, rep, "Customer name", "Not saved yet")
	share := button(rep, "Create a share link of version 1")
	for _, try := range []string{"the share button", "the share button again, after staying"} {
		if err := share.Click(noClickWait); err != nil {
			t.Fatal(err)
		}
		asked(try, "confirm")
	}
	quotes := rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Quotes", Exact: playwright.Bool(true)})
	if err := quotes.Click(noClickWait); err != nil {
		t.Fatal(err)
	}
	asked("a link", "beforeunload")
	wantValue(t, label(rep, "Customer name"), "the typed customer name, after staying", "Not saved yet")
	wantCount(t, rep.GetByTestId("share-link"), "share links made", 0)

	// Saved, the page is left without a question.
	click(t, button(rep, "Save version"), "Save version")
	wantVisible(t, rep.GetByTestId("saved"), "saved as version 2")
	click(t, button(rep, "Create a share link of version 2"), "Create a share link")
	wantCount(t, rep.GetByTestId("share-link"), "share links made", 1)
	if len(dialogs) != 0 {
		t.Errorf("%d questions after saving, want none", len(dialogs))
	}
}

// TestRepConfirmsAnOrderFromTheDesk: a customer orders; the rep finds the order on a
// filtered desk, confirms it with a reason, is told so, and goes back to the same
// filtered page, where the order has left the submitted ones.
func TestRepConfirmsAnOrderFromTheDesk(t *testing.T) {
	srv, rep := signedInRep(t, withBypassCSP()) // for axe
	id := placeTokyoAnnual(t, newPage(t, srv))

	goTo(t, rep, "/desk?status=submitted")
	screenshot(t, rep, "rep-desk")
	click(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: id}), "the order on the desk")
	wantText(t, rep.GetByTestId("order-status"), "the order's status", "Submitted")
	fill(t, rep, "Reason", "Payment received")
	// Enter in the reason confirms nothing: the rep chooses Confirm or Cancel.
	if _, err := rep.Evaluate(`() => { window.beforeEnter = true }`); err != nil {
		t.Fatal(err)
	}
	if err := label(rep, "Reason").Press("Enter"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // time enough for a submission to have begun
	if stayed, err := rep.Evaluate(`() => window.beforeEnter === true`); err != nil || stayed != true {
		t.Fatalf("Enter in the reason submitted the form (%v, %v)", stayed, err)
	}
	wantText(t, rep.GetByTestId("order-status"), "the order's status after Enter", "Submitted")
	click(t, button(rep, "Confirm order"), "Confirm order")
	wantText(t, rep.GetByTestId("status-changed"), "the note of the change", "The order is confirmed.")
	wantText(t, rep.GetByTestId("order-status"), "the order's status", "Confirmed")
	wantVisible(t, rep.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "Payment received"}), "the reason in the history")
	screenshot(t, rep, "rep-desk-order-confirmed")
	orderPage := rep.URL()

	click(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Back to the order desk"}), "Back to the order desk")
	wantValue(t, label(rep, "Status"), "the desk's status filter, kept", "submitted")
	wantVisible(t, rep.GetByTestId("desk-empty"), "no submitted order left")
	click(t, rep.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Quotes", Exact: playwright.Bool(true)}), "Quotes")
	wantVisible(t, rep.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Quotes"}), "the quotes list")

	// Last, as it skips the test where axe-core is missing: the pages, audited.
	goTo(t, rep, "/desk?status=confirmed")
	axeAudit(t, rep, "the order desk")
	goTo(t, rep, strings.TrimPrefix(orderPage, srv.URL))
	axeAudit(t, rep, "a confirmed order")
}

// TestBuilderTermFollowsTheBillingMode: a Secrets Manager line's term lists each
// billing mode's terms; choosing a mode leaves only its own to choose, and moves a
// term of the other mode to the first of its own, rather than keep one that is refused.
func TestBuilderTermFollowsTheBillingMode(t *testing.T) {
	_, rep := signedInRep(t)
	goTo(t, rep, "/quotes/new") // a new quote starts with a Secrets Manager line
	billing, term := label(rep, "Billing mode").First(), label(rep, "Term (months)").First()
	wantValue(t, term, "a new line's term", "12") // annual, a year
	disabled := func() any {
		v, err := term.Evaluate(`s => [...s.querySelectorAll("optgroup")].map(g => g.label + (g.disabled ? " off" : " on")).join(", ")`, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := disabled(); got != "Monthly billing off, Annual billing on" {
		t.Errorf("a new line billed annually offers the term groups %v", got)
	}
	if _, err := billing.SelectOption(playwright.SelectOptionValues{Values: &[]string{"monthly"}}); err != nil {
		t.Fatal(err)
	}
	wantValue(t, term, "the term once billed monthly", "1")
	if got := disabled(); got != "Monthly billing on, Annual billing off" {
		t.Errorf("billed monthly, the term's groups are %v", got)
	}
	if _, err := billing.SelectOption(playwright.SelectOptionValues{Values: &[]string{"annual"}}); err != nil {
		t.Fatal(err)
	}
	wantValue(t, term, "the term once billed annually again", "12")
	if got := disabled(); got != "Monthly billing off, Annual billing on" {
		t.Errorf("billed annually, the term's groups are %v", got)
	}
	wantVisible(t, rep.GetByTestId("quote-upfront-total"), "the totals")
	if n, _ := rep.Locator(".field-error:not(:empty)").Count(); n != 0 {
		t.Errorf("%d field errors after switching billing modes", n)
	}
}
