package views

import (
	"context"
	"strings"
	"testing"
)

type fakeAssets struct{}

func (fakeAssets) Path(name string) string { return "/static/" + name }

func render(t *testing.T, p Page) string {
	t.Helper()
	var b strings.Builder
	if err := NotFoundPage(p).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestLayoutMarksTheCurrentNavLink(t *testing.T) {
	html := render(t, Page{Path: "/kms", Assets: fakeAssets{}})
	if !strings.Contains(html, `<a href="/kms" aria-current="page">`) {
		t.Errorf("the KMS link is not marked current:\n%s", html)
	}
	if strings.Contains(html, `<a href="/ssm" aria-current`) {
		t.Error("the SSM link is marked current on the KMS page")
	}
}

func TestLayoutTitleAndDescription(t *testing.T) {
	html := render(t, Page{Title: "Page not found", Assets: fakeAssets{}})
	if !strings.Contains(html, "<title>Page not found · KMS &amp; SSM Console</title>") {
		t.Errorf("title:\n%s", html)
	}
	if !strings.Contains(html, `<meta name="description" content="Estimate the cost`) {
		t.Errorf("no default description:\n%s", html)
	}
}
