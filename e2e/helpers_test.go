package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"kmsconsole/internal/testenv"
)

// Helpers the journeys share: find things the way a user does (by label, by role, by
// the data-testid of a total) and fail with a message that says what was expected.

// withViewport sets the size of the browser window, in CSS pixels.
func withViewport(width, height int) pageOption {
	return func(o *playwright.BrowserNewContextOptions) {
		o.Viewport = &playwright.Size{Width: width, Height: height}
	}
}

// withBypassCSP lets the test inject scripts (axe-core) into pages whose
// Content-Security-Policy forbids inline script. Only for audits: it turns off one of
// the protections the product ships.
func withBypassCSP() pageOption {
	return func(o *playwright.BrowserNewContextOptions) { o.BypassCSP = playwright.Bool(true) }
}

// label finds the form control whose <label> reads exactly text.
func label(page playwright.Page, text string) playwright.Locator {
	return page.GetByLabel(text, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
}

// fieldOf is the .field block that holds the control labelled text: its label, hint,
// input and error message.
func fieldOf(page playwright.Page, text string) playwright.Locator {
	return page.Locator(".field").Filter(playwright.LocatorFilterOptions{Has: label(page, text)})
}

// fill replaces the text of the field labelled lbl, as typing would (input events).
func fill(t *testing.T, page playwright.Page, lbl, value string) {
	t.Helper()
	if err := label(page, lbl).Fill(value); err != nil {
		t.Fatalf("fill %q with %q: %v", lbl, value, err)
	}
}

// choose picks the option whose visible text is optionLabel in the select labelled lbl.
func choose(t *testing.T, page playwright.Page, lbl, optionLabel string) {
	t.Helper()
	if _, err := label(page, lbl).SelectOption(playwright.SelectOptionValues{Labels: &[]string{optionLabel}}); err != nil {
		t.Fatalf("choose %q in %q: %v", optionLabel, lbl, err)
	}
}

// tick checks the checkbox labelled lbl.
func tick(t *testing.T, page playwright.Page, lbl string) {
	t.Helper()
	if err := label(page, lbl).Check(); err != nil {
		t.Fatalf("tick %q: %v", lbl, err)
	}
}

// untick clears the checkbox labelled lbl.
func untick(t *testing.T, page playwright.Page, lbl string) {
	t.Helper()
	if err := label(page, lbl).Uncheck(); err != nil {
		t.Fatalf("untick %q: %v", lbl, err)
	}
}

// wantText waits until the element reads exactly want (after trimming).
func wantText(t *testing.T, loc playwright.Locator, what, want string) {
	t.Helper()
	if err := expect.Locator(loc).ToHaveText(want); err != nil {
		got, _ := loc.AllInnerTexts()
		t.Errorf("%s: want %q, got %q", what, want, got)
	}
}

// wantValue waits until the form control holds want.
func wantValue(t *testing.T, loc playwright.Locator, what, want string) {
	t.Helper()
	if err := expect.Locator(loc).ToHaveValue(want); err != nil {
		got, _ := loc.InputValue()
		t.Errorf("%s: want value %q, got %q", what, want, got)
	}
}

// wantVisible waits until loc is visible.
func wantVisible(t *testing.T, loc playwright.Locator, what string) {
	t.Helper()
	if err := expect.Locator(loc).ToBeVisible(); err != nil {
		t.Errorf("%s should be visible: %v", what, err)
	}
}

// wantCount waits until loc matches n elements.
func wantCount(t *testing.T, loc playwright.Locator, what string, n int) {
	t.Helper()
	if err := expect.Locator(loc).ToHaveCount(n); err != nil {
		got, _ := loc.Count()
		t.Errorf("%s: want %d, got %d", what, n, got)
	}
}

// wantTotals waits for the monthly and up-front totals of the new-billing quote.
func wantTotals(t *testing.T, page playwright.Page, monthly, upfront string) {
	t.Helper()
	wantText(t, page.GetByTestId("quote-monthly-total"), "monthly total", monthly)
	wantText(t, page.GetByTestId("quote-upfront-total"), "up-front total", upfront)
	settled(t, page)
}

// settled waits until no live refresh of the quote is due: totals that already read
// as wanted may be refreshed once more, replacing the elements around them.
func settled(t *testing.T, page playwright.Page) {
	t.Helper()
	if err := expect.Locator(page.Locator("#results[aria-busy]")).ToHaveCount(0); err != nil {
		t.Errorf("the quote is still refreshing: %v", err)
	}
}

// pageProblems collects what a page reports as broken: console errors (including
// failed resource loads) and uncaught exceptions. Call it before navigating.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func watchProblems(page playwright.Page) *pageProblems {
	p := &pageProblems{}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" || m.Type() == "warning" {
			p.add(fmt.Sprintf("console %s: %s (%s)", m.Type(), m.Text(), m.Location().URL))
		}
	})
	page.OnPageError(func(err error) { p.add("page error: " + err.Error()) })
	return p
}

func (p *pageProblems) add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, s)
}

// check fails the test with every problem seen so far, then forgets them.
func (p *pageProblems) check(t *testing.T, when string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) > 0 {
		t.Errorf("%s: the page reported problems:\n  %s", when, strings.Join(p.list, "\n  "))
	}
	p.list = nil
}

// button finds the button whose accessible name is exactly name.
func button(page playwright.Page, name string) playwright.Locator {
	return page.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// click clicks loc and fails the test if it cannot.
func click(t *testing.T, loc playwright.Locator, what string) {
	t.Helper()
	if err := loc.Click(); err != nil {
		t.Fatalf("click %s: %v", what, err)
	}
}

// keys drives a page with the keyboard alone.
type keys struct {
	t    *testing.T
	page playwright.Page
}

func keyboard(t *testing.T, page playwright.Page) keys { return keys{t, page} }

// press presses each key in turn.
func (k keys) press(names ...string) {
	k.t.Helper()
	for _, n := range names {
		if err := k.page.Keyboard().Press(n); err != nil {
			k.t.Fatalf("press %s: %v", n, err)
		}
	}
}

// typeText types s into whatever has focus.
func (k keys) typeText(s string) {
	k.t.Helper()
	if err := k.page.Keyboard().Type(s); err != nil {
		k.t.Fatalf("type %q: %v", s, err)
	}
}

// focused says whether loc has the focus. A live quote refresh can replace loc's
// element between finding it and asking (the swap gives the focus to the new one):
// the question is asked again then, rather than answered no.
func (k keys) focused(loc playwright.Locator) bool {
	for range 3 {
		f, err := loc.Evaluate(`e => e === document.activeElement`, nil)
		if err == nil {
			return f == true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// doubleClicks are the two ways a double click reaches the server: the page's script
// sends the form once; without the script both clicks are sent.
var doubleClicks = []struct {
	name  string
	opts  []pageOption
	posts int32 // how many posts the browser makes
}{
	{"with the script", nil, 1},
	{"without the script", []pageOption{withoutJavaScript()}, 2},
}

// tabTo presses Tab until loc has focus, within max presses, and says where focus
// went when it never gets there.
func (k keys) tabTo(loc playwright.Locator, what string, max int) {
	k.t.Helper()
	var seen []string
	for range max {
		k.press("Tab")
		if k.focused(loc) {
			return
		}
		f, _ := k.page.Evaluate(`() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 20) : "" }`)
		seen = append(seen, fmt.Sprint(f))
	}
	k.t.Fatalf("Tab never reached %s in %d presses; focus went %q", what, max, seen)
}

// axeAudit runs axe-core on the page as it is now and fails the test on serious or
// critical violations (minor and moderate ones are logged). The page's context needs
// withBypassCSP. It skips the test when axe-core is missing (scripts/axe-deps.sh).
func axeAudit(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	axePath, err := filepath.Abs(filepath.Join("..", ".cache", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(axePath); err != nil {
		testenv.Skipf(t, "axe-core is missing (%s): run scripts/axe-deps.sh", axePath)
	}
	if _, err := page.AddScriptTag(playwright.PageAddScriptTagOptions{Path: &axePath}); err != nil {
		t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	raw, err := page.Evaluate(`async () => {
		const r = await axe.run(document, {resultTypes: ["violations"]});
		return JSON.stringify({passes: r.passes.length, violations: r.violations});
	}`)
	if err != nil {
		t.Fatalf("%s: axe.run: %v", name, err)
	}
	var res struct {
		Passes     int
		Violations []axeResult
	}
	if err := json.Unmarshal([]byte(raw.(string)), &res); err != nil {
		t.Fatalf("%s: axe answer: %v", name, err)
	}
	t.Logf("axe on %s: %d rules pass, %d violated", name, res.Passes, len(res.Violations))
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			b, _ := json.Marshal(n.Target)
			where = append(where, string(b))
		}
		msg := name + ": " + v.Impact + " " + v.ID + " (" + v.Help + ") at " + strings.Join(where, ", ")
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// scrollWidth is how wide the document is, in CSS pixels.
func scrollWidth(t *testing.T, page playwright.Page) int {
	t.Helper()
	w, err := page.Evaluate(`() => document.documentElement.scrollWidth`)
	if err != nil {
		t.Fatalf("scrollWidth: %v", err)
	}
	n, ok := w.(int)
	if !ok {
		t.Fatalf("scrollWidth: %T %v", w, w)
	}
	return n
}

// clickTwiceOnASlowLine clicks target, and again while the answer to the post it
// sent (to a URL matching pattern) is held back: until a second post arrives, or for
// a second and a half. (A plain dblclick does not show a double send: Chromium drops
// the first submission before sending it.) The clicks are the mouse's own, as a
// locator's click would wait for the page to navigate. It returns the count of posts.
func clickTwiceOnASlowLine(t *testing.T, page playwright.Page, pattern string, target playwright.Locator) *atomic.Int32 {
	t.Helper()
	var posts atomic.Int32
	first := make(chan struct{})  // the server has answered the first post
	second := make(chan struct{}) // the second post is on its way
	err := page.Route(pattern, func(r playwright.Route) {
		if r.Request().Method() != http.MethodPost {
			_ = r.Continue()
			return
		}
		n := posts.Add(1)
		if n == 2 {
			close(second)
		}
		resp, err := r.Fetch(playwright.RouteFetchOptions{MaxRedirects: playwright.Int(0)})
		if err != nil {
			_ = r.Abort()
			return
		}
		if n == 1 {
			close(first)
			select {
			case <-second:
			case <-time.After(1500 * time.Millisecond):
			}
		}
		_ = r.Fulfill(playwright.RouteFulfillOptions{Response: resp}) // fails once the browser dropped it
	})
	if err != nil {
		t.Fatalf("route: %v", err)
	}
	if err := target.ScrollIntoViewIfNeeded(); err != nil {
		t.Fatal(err)
	}
	box, err := target.BoundingBox()
	if err != nil || box == nil {
		t.Fatalf("where is the button: %v", err)
	}
	x, y := box.X+box.Width/2, box.Y+box.Height/2
	if err := page.Mouse().Click(x, y); err != nil {
		t.Fatalf("click: %v", err)
	}
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("the first click did not post")
	}
	if err := page.Mouse().Click(x, y); err != nil {
		t.Fatalf("click a second time: %v", err)
	}
	return &posts
}
