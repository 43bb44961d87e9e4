package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
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
