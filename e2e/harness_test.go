// Package e2e drives the real console in a real browser: TestMain builds ./cmd/console
// once and starts one headless Chromium through playwright-go; each test starts its
// own server process (a free port, an empty data directory) and opens fresh browser
// contexts on it.
//
// Nothing is downloaded here: the Playwright driver comes from npm and Chromium from
// Debian, both installed by `make e2e-deps` (scripts/e2e-deps.sh).
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
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
	consoleBin = filepath.Join(tmp, "console")
	build := exec.Command("go", "build", "-o", consoleBin, "./cmd/console")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("go build ./cmd/console: %v\n%s", err, out))
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

// server is one running console process.
type server struct {
	URL    string // http://127.0.0.1:PORT, no trailing slash
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{} // closed once the process has exited
}

// serverOption adds to the command line or the environment of the console.
type serverOption func(*exec.Cmd)

func withArgs(args ...string) serverOption {
	return func(c *exec.Cmd) { c.Args = append(c.Args, args...) }
}

// withEnv adds KEY=VALUE pairs to the environment.
func withEnv(kv ...string) serverOption {
	return func(c *exec.Cmd) { c.Env = append(c.Env, kv...) }
}

// startServer starts the built console on a free port with an empty data directory,
// waits until /healthz answers, and stops it when the test ends. Its output is logged
// when the test fails.
func startServer(t *testing.T, opts ...serverOption) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(consoleBin, "-addr", addr, "-data", t.TempDir())
	cmd.Env = hermeticEnv()
	for _, o := range opts {
		o(cmd)
	}
	s := &server{URL: "http://" + addr, cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.stderr, s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start console: %v", err)
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() {
			t.Logf("console output:\n%s", s.Logs())
		}
	})

	deadline := time.Now().Add(15 * time.Second)
	for {
		if healthy(s.URL) {
			return s
		}
		select {
		case <-s.exited:
			t.Fatalf("console exited before answering /healthz (%v)", cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("console at %s never answered /healthz with 200", s.URL)
		}
	}
}

// Logs returns what the console has written to stdout and stderr so far.
func (s *server) Logs() string { return s.stderr.String() }

func (s *server) stop(t *testing.T) {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		t.Errorf("console did not stop within 5s of SIGTERM; killing it")
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

func healthy(base string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hermeticEnv is this process's environment without the variables the console reads,
// so that a DATABASE_URL or the like in the caller's shell cannot change what is tested.
func hermeticEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "ADDR", "DATA_DIR", "DATABASE_URL", "PRICE_BOOK", "LOG_LEVEL":
			continue
		}
		env = append(env, kv)
	}
	return env
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

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
