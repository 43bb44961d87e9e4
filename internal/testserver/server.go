// Package testserver runs the real console binary for tests that need a process: the
// end-to-end tests in a browser and the system tests (restarts, SIGKILL, several
// instances). It builds ./cmd/console, starts it on a free loopback port with its own
// data directory, waits for /healthz, and stops it when the test ends.
package testserver

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
)

// Build compiles ./cmd/console of the module at root into dir and returns its path.
func Build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "console")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/console")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/console: %v\n%s", err, out)
	}
	return bin, nil
}

// Server is one running console process.
type Server struct {
	URL  string // http://127.0.0.1:PORT, no trailing slash
	Addr string
	// MetricsURL is the base URL of the metrics listener, on a free port of its own
	// (a test's own -metrics-addr argument overrides it).
	MetricsURL string
	DataDir    string
	cmd        *exec.Cmd
	out        *syncBuffer
	exited     chan struct{} // closed once the process has exited
}

// Option adds to the command line or the environment of the console.
type Option func(*options)

type options struct {
	args    []string
	env     []string
	dataDir string
	addr    string
}

// Args adds command-line arguments.
func Args(args ...string) Option { return func(o *options) { o.args = append(o.args, args...) } }

// Env adds KEY=VALUE pairs to the environment.
func Env(kv ...string) Option { return func(o *options) { o.env = append(o.env, kv...) } }

// DataDir runs the console on an existing data directory (to restart it on its data).
func DataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// Addr runs the console on a given address (to restart it where it was).
func Addr(addr string) Option { return func(o *options) { o.addr = addr } }

// Start starts the console binary, waits until /healthz answers 200, and stops it
// (SIGTERM) when the test ends. Its output is logged when the test fails.
//
// A port found free (FreeAddr) can be taken by another process before the console
// binds it: a browser's outgoing connection, another test's console. A start that
// fails because an address is in use is therefore tried again, on new ports for the
// addresses chosen here, a few times. The console counts as started when its own
// "console listening" line (info level) is out and /healthz answers.
func Start(t testing.TB, bin string, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	const attempts = 5
	for attempt := 1; ; attempt++ {
		s, ok := start(t, bin, o)
		if ok {
			return s
		}
		if attempt == attempts || !strings.Contains(s.Logs(), "address already in use") {
			t.Fatalf("console exited before answering /healthz (%v):\n%s", s.cmd.ProcessState, s.Logs())
		}
		t.Logf("console start %d of %d found an address in use; trying new ports:\n%s", attempt, attempts, s.Logs())
	}
}

// start runs the console once: ok when it answers /healthz, false when it exits
// before that.
func start(t testing.TB, bin string, o options) (s *Server, ok bool) {
	t.Helper()
	if o.addr == "" {
		o.addr = FreeAddr(t)
	}
	// Never the default metrics port: tests run consoles side by side.
	metricsAddr := FreeAddr(t)
	args := []string{"-addr", o.addr, "-data", o.dataDir, "-metrics-addr", metricsAddr}
	cmd := exec.Command(bin, append(args, o.args...)...)
	cmd.Env = append(hermeticEnv(), o.env...)
	s = &Server{URL: "http://" + o.addr, Addr: o.addr, MetricsURL: "http://" + metricsAddr,
		DataDir: o.dataDir, cmd: cmd, out: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start console: %v", err)
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()

	// Its own log line first: another process that took the port could answer
	// /healthz too.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(s.Logs(), `"msg":"console listening"`) || !healthy(s.URL) {
		select {
		case <-s.exited:
			return s, false
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop(t)
			t.Fatalf("console at %s never answered /healthz with 200:\n%s", s.URL, s.Logs())
		}
	}
	t.Cleanup(func() {
		s.Stop(t)
		if t.Failed() {
			t.Logf("console output:\n%s", s.Logs())
		}
	})
	return s, true
}

// Logs returns what the console has written to stdout and stderr so far.
func (s *Server) Logs() string { return s.out.String() }

// Stop sends SIGTERM and waits for the process to exit (killing it after 12 s).
func (s *Server) Stop(t testing.TB) {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(12 * time.Second): // above the console's own 10 s shutdown bound
		t.Errorf("console did not stop within 12s of SIGTERM; killing it")
		s.Kill()
	}
}

// Signal sends sig to the process.
func (s *Server) Signal(sig os.Signal) error { return s.cmd.Process.Signal(sig) }

// Exited is closed once the process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Kill ends the process with SIGKILL, as a crash or a power cut would, and waits.
func (s *Server) Kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
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

// FreeAddr returns a loopback address with a port free at the time of the call.
func FreeAddr(t testing.TB) string {
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
		case "ADDR", "DATA_DIR", "DATABASE_URL", "PRICE_BOOK", "LOG_LEVEL", "SECURE_COOKIES",
			"DRAIN", "METRICS_ADDR", "WATCH_PRICE_BOOK":
			continue
		}
		env = append(env, kv)
	}
	return env
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
