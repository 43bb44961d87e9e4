package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a server this command started: the console or the bare handler.
type process struct {
	name    string
	URL     string // http://127.0.0.1:PORT
	Metrics string // the console's metrics listener, http://127.0.0.1:PORT ("" for bare)
	DataDir string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
}

// startConsole starts the console binary on free loopback ports with its own data
// directory (and databaseURL, if any, in its environment), and any flags in extra,
// and waits for /healthz.
func startConsole(ctx context.Context, bin, dir, name, databaseURL string, extra []string, progress func(string, ...any)) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	metricsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, name+"-data")
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-data", data, "-metrics-addr", metricsAddr}, extra...)...)
	cmd.Env = consoleEnv()
	if databaseURL != "" {
		cmd.Env = append(cmd.Env, "DATABASE_URL="+databaseURL) // not in ps, unlike a flag
	}
	p := &process{name: name, URL: "http://" + addr, Metrics: "http://" + metricsAddr, DataDir: data}
	return p, p.start(ctx, cmd, filepath.Join(dir, name+".log"), "/healthz", progress)
}

// startBare starts this same program as the bare chi handler, in a process of its
// own like the console, on a listener opened here and handed down.
func startBare(ctx context.Context, dir string, progress func(string, ...any)) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f, err := ln.(*net.TCPListener).File()
	ln.Close() // the child has its own copy of the socket in f
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(self, bareCommand)
	cmd.ExtraFiles = []*os.File{f} // descriptor 3 in the child
	cmd.Env = os.Environ()
	p := &process{name: "bare", URL: "http://" + ln.Addr().String()}
	return p, p.start(ctx, cmd, filepath.Join(dir, "bare.log"), "/", progress)
}

func (p *process) start(ctx context.Context, cmd *exec.Cmd, logPath, health string, progress func(string, ...any)) error {
	out, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer out.Close() // the child holds its own descriptor
	cmd.Stdout, cmd.Stderr = out, out
	// If this command dies without stopping it, the kernel does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p.cmd, p.logPath, p.exited = cmd, logPath, make(chan struct{})
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()

	deadline := time.Now().Add(20 * time.Second)
	for {
		if code, _ := get(ctx, p.URL+health); code == http.StatusOK {
			if p.Metrics != "" {
				progress("%s: pid %d on %s, metrics and profiles on %s", p.name, cmd.Process.Pid, p.URL, p.Metrics)
			} else {
				progress("%s: pid %d on %s", p.name, cmd.Process.Pid, p.URL)
			}
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before answering %s (%v):\n%s", p.name, health, cmd.ProcessState, p.logTail())
		case <-ctx.Done():
			p.stop()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return fmt.Errorf("%s never answered %s with 200:\n%s", p.name, health, p.logTail())
		}
	}
}

// Pid is the process ID.
func (p *process) Pid() int { return p.cmd.Process.Pid }

// CPU is the process's CPU time so far.
func (p *process) CPU() (time.Duration, error) { return procCPU(p.Pid()) }

// stop sends SIGTERM and waits (SIGKILL after 15 s). It reports whether the process
// ended cleanly.
func (p *process) stop() error {
	if p == nil || p.cmd == nil || p.cmd.Process == nil {
		return nil
	}
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
			return fmt.Errorf("%s did not stop within 15s of SIGTERM: killed", p.name)
		}
	}
	if !p.cmd.ProcessState.Success() {
		return fmt.Errorf("%s exited with %v:\n%s", p.name, p.cmd.ProcessState, p.logTail())
	}
	return nil
}

// logTail is the end of the process's output, for error messages.
func (p *process) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// RSS is the console's resident memory, from its own process_resident_memory_bytes
// metric (the figure an operator's Prometheus sees), or /proc when that fails.
func (p *process) RSS(ctx context.Context) (int64, error) {
	if p.Metrics != "" {
		if code, body := get(ctx, p.Metrics+"/metrics"); code == http.StatusOK {
			if v, ok := metricValue(body, "process_resident_memory_bytes"); ok {
				return int64(v), nil
			}
		}
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.Pid()) + "/status")
	if err != nil {
		return 0, err
	}
	return vmRSS(string(b))
}

// metricValue finds an unlabelled sample in Prometheus text.
func metricValue(text, name string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
		return v, err == nil
	}
	return 0, false
}

// vmRSS reads VmRSS (in kB) from /proc/PID/status.
func vmRSS(status string) (int64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		return kb * 1024, err
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// get fetches url with a short timeout and returns the status and body (0 on error).
func get(ctx context.Context, url string) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, ""
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, b.String()
}

// freeAddr is a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// consoleEnv is this environment without the variables the console reads, so that
// a DATABASE_URL or the like in the caller's shell does not change what is measured,
// and with PPROF set: Go's profiles on the console's metrics listener, for
// `go tool pprof` during a window. They cost nothing until asked for, and a console
// built before -pprof existed ignores the variable.
func consoleEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "ADDR", "DATA_DIR", "DATABASE_URL", "PRICE_BOOK", "LOG_LEVEL", "SECURE_COOKIES",
			"DRAIN", "METRICS_ADDR", "PPROF", "WATCH_PRICE_BOOK", "TRUSTED_PROXIES", "GOB_SESSIONS",
			"ANSWER_CACHE_MB":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PPROF=true")
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the repository or give -console")
		}
		dir = parent
	}
}
