package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

func TestHomePageLinksToBothEstimators(t *testing.T) {
	srv := startServer(t)
	page := newPage(t, srv)
	goTo(t, page, "/")

	for _, name := range []string{"Secrets Manager", "Key Management Service"} {
		link := page.GetByRole("link", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
		if err := expect.Locator(link).ToBeVisible(); err != nil {
			t.Errorf("link %q: %v", name, err)
		}
	}
	screenshot(t, page, "home")
}
