package e2e

import (
	"testing"
)

// Journeys for people who do not use a mouse, a wide screen or their eyes: the
// keyboard alone, a phone, and an automated accessibility audit (axe-core).

// TestKeyboardOnlyEstimate sets up the Tokyo annual quote with Tab, typing, arrow keys
// and Space only.
func TestKeyboardOnlyEstimate(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/ssm")
	kb := page.Keyboard()
	press := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			if err := kb.Press(k); err != nil {
				t.Fatalf("press %s: %v", k, err)
			}
		}
	}
	typeText := func(s string) {
		t.Helper()
		if err := kb.Type(s); err != nil {
			t.Fatalf("type %q: %v", s, err)
		}
	}
	focused := func() string {
		id, err := page.Evaluate(`() => document.activeElement && (document.activeElement.id || document.activeElement.className || document.activeElement.tagName)`)
		if err != nil {
			t.Fatalf("active element: %v", err)
		}
		s, _ := id.(string)
		return s
	}
	// tabTo presses Tab until the element with id has focus, within max presses.
	tabTo := func(id string, max int) {
		t.Helper()
		var seen []string
		for range max {
			press("Tab")
			f := focused()
			if f == id {
				return
			}
			seen = append(seen, f)
		}
		t.Fatalf("Tab never reached #%s in %d presses; focus went %v", id, max, seen)
	}

	press("Tab")
	if f := focused(); f != "skip-link" {
		t.Errorf("the first Tab should reach the skip link, got %q", f)
	}
	tabTo("region", 5) // past the brand and the two navigation links
	press("End")       // Tokyo is the last region; then check that arrows move too
	press("ArrowUp", "ArrowDown")
	wantValue(t, label(page, "Region"), "region", "ap-tokyo")
	tabTo("credentials", 3) // past Edition and "Size from my needs"
	typeText("2500")        // Tab selects the field's text, so typing replaces it
	tabTo("qps_units", 1)
	typeText("2")
	tabTo("billing", 1)
	press("ArrowDown")
	wantValue(t, label(page, "Billing mode"), "billing", "annual")
	tabTo("term", 1)
	typeText("1")
	wantValue(t, label(page, "Credentials"), "credentials", "2500")
	wantValue(t, label(page, "QPS units"), "QPS units", "2")
	wantTotals(t, page, "1,865.00", "22,380.00")

	tabTo("compare", 1)
	press("Space")
	wantText(t, page.GetByTestId("legacy-monthly-total"), "old billing of 2,500 credentials", "1,000.30")
	tabTo("api_calls", 1) // the revealed field comes next in the tab order
	screenshot(t, page, "ssm-keyboard-only")
}

// TestPhoneWidthHasNoSidewaysScroll: at 375px the page never scrolls sideways; wide
// tables scroll inside their own container.
func TestPhoneWidthHasNoSidewaysScroll(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv, withViewport(375, 740))
	for _, c := range []struct{ name, path string }{
		{"phone-ssm-compare", "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1&compare=1&api_calls=60000"},
		{"phone-kms", "/kms?customer_keys=10&managed_keys=2&pending_deletion_keys=1&api_calls=20500&days=30"},
	} {
		goTo(t, page, c.path)
		wantVisible(t, page.GetByTestId("quote-monthly-total"), c.path+": the total")
		w, err := page.Evaluate(`() => document.documentElement.scrollWidth`)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := w.(int); !ok || n > 375 {
			wide, _ := page.Evaluate(`() => [...document.querySelectorAll("body *")]
				.filter(e => e.getBoundingClientRect().right > 375 && !e.closest(".table-scroll"))
				.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))`)
			t.Errorf("%s: scrollWidth %v > 375: the page scrolls sideways; too wide: %v", c.path, w, wide)
		}
		screenshot(t, page, c.name)
	}
}

// axeResult is the part of axe.run's answer that the audit reports.
type axeResult struct {
	ID, Impact, Help string
	Nodes            []struct{ Target []any }
}

// TestAccessibilityWithAxe runs axe-core on every page and on the states a first load
// does not show: a field error and the old-billing comparison, both reached live.
func TestAccessibilityWithAxe(t *testing.T) {
	srv := startServer(t)
	// The CSP forbids inline script, which is how AddScriptTag injects axe: bypass it
	// in this audit context only.
	page := newPage(t, srv, withBypassCSP())

	for _, c := range []struct {
		name, path string
		then       func()
	}{
		{"home", "/", nil},
		{"ssm", "/ssm", nil},
		{"ssm with a field error", "/ssm", func() {
			fill(t, page, "Credentials", "abc")
			wantVisible(t, page.GetByTestId("field-error"), "the field error")
		}},
		{"ssm with compare on", "/ssm", func() {
			tick(t, page, "Old billing (existing customers)")
			wantVisible(t, page.GetByTestId("legacy-monthly-total"), "the old-billing total")
		}},
		{"kms", "/kms", nil},
	} {
		goTo(t, page, c.path)
		if c.then != nil {
			c.then()
		}
		axeAudit(t, page, c.name)
	}
	screenshot(t, page, "axe-kms")
}
