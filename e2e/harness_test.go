// Package e2e drives the real console in a real browser: TestMain builds ./cmd/console
// once and starts one headless Chromium through playwright-go; each test starts its
// own server process (a free port, an empty data directory) and opens fresh browser
// contexts on it.
//
// Nothing is downloaded here: the Playwright driver comes from npm and Chromium from
// Debian, both installed by `make e2e-deps` (scripts/e2e-deps.sh).
package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kmsconsole/internal/testserver"
)

const chromiumPath = "/usr/bin/chromium"

var (
	consoleBin string             // the built ./cmd/console
	browser    playwright.Browser // shared by all tests; each test gets its own contexts
	// expect holds the web-first assertions, which retry until they hold or time out.
	expect = playwright.NewPlaywrightAssertions(5000)
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "kmsconsole-e2e-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)

	root, err := filepath.Abs("..")
	if err != nil {
		return fail(err)
	}
	if consoleBin, err = testserver.Build(root, tmp); err != nil {
		return fail(err)
	}

	pw, err := startPlaywright(root)
	if err != nil {
		return fail(err)
	}
	defer pw.Stop()
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath:  playwright.String(chromiumPath),
		Headless:        playwright.Bool(true),
		ChromiumSandbox: playwright.Bool(false),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--no-first-run", "--no-default-browser-check"},
	})
	if err != nil {
		return fail(fmt.Errorf("launch %s: %w", chromiumPath, err))
	}
	defer browser.Close()

	return m.Run()
}

// startPlaywright starts the driver that scripts/e2e-deps.sh put in .cache/, after
// checking that everything is there, so that playwright-go never reaches for the
// network to fetch a driver or a browser of its own.
func startPlaywright(root string) (*playwright.Playwright, error) {
	driver, err := playwright.NewDriver(&playwright.RunOptions{})
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, ".cache", "playwright-driver-"+driver.Version)
	for _, p := range []string{filepath.Join(dir, "package", "cli.js"), filepath.Join(dir, "node"), chromiumPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s is missing: run make e2e-deps", p)
		}
	}
	opts := &playwright.RunOptions{DriverDirectory: dir, SkipInstallBrowsers: true}
	// With the driver in place, Install only applies playwright-go's patch to it.
	if err := playwright.Install(opts); err != nil {
		return nil, fmt.Errorf("prepare the Playwright driver in %s (run make e2e-deps): %w", dir, err)
	}
	pw, err := playwright.Run(opts)
	if err != nil {
		return nil, fmt.Errorf("start the Playwright driver in %s (run make e2e-deps): %w", dir, err)
	}
	return pw, nil
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "e2e:", err)
	return 1
}

// server is one running console process (see internal/testserver).
type server = testserver.Server

// startServer starts the built console on a free port with an empty data directory,
// waits until /healthz answers, and stops it when the test ends.
func startServer(t *testing.T, opts ...testserver.Option) *server {
	t.Helper()
	return testserver.Start(t, consoleBin, opts...)
}

// pageOption changes the browser context that newPage opens.
type pageOption func(*playwright.BrowserNewContextOptions)

func withoutJavaScript() pageOption {
	return func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) }
}

// newPage opens a fresh browser context (own cookies and storage) with one page, whose
// relative URLs resolve against srv; both are closed when the test ends.
func newPage(t *testing.T, srv *server, opts ...pageOption) playwright.Page {
	t.Helper()
	o := playwright.BrowserNewContextOptions{BaseURL: playwright.String(srv.URL)}
	for _, opt := range opts {
		opt(&o)
	}
	bc, err := browser.NewContext(o)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	t.Cleanup(func() { _ = bc.Close() })
	bc.SetDefaultTimeout(10_000)
	page, err := bc.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	return page
}

// screenshot saves a full-page PNG as e2e/screenshots/NAME.png (ignored by git).
func screenshot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("screenshots", name+".png")
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: &path, FullPage: playwright.Bool(true)}); err != nil {
		t.Errorf("screenshot %s: %v", path, err)
	}
}

// goTo loads path (relative to the server) and fails the test unless it answers 200.
func goTo(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	resp, err := page.Goto(path)
	if err != nil {
		t.Fatalf("goto %s: %v", path, err)
	}
	if resp == nil || resp.Status() != http.StatusOK {
		status := 0
		if resp != nil {
			status = resp.Status()
		}
		t.Fatalf("goto %s: status %d, want 200", path, status)
	}
}
