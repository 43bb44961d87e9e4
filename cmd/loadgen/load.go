package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// doFunc makes one request and reads the whole answer. It returns nil when the answer
// is the expected one, errExhausted when the worker has nothing left to send.
type doFunc func(ctx context.Context) error

var errExhausted = errors.New("nothing left to send")

// window is how long a scenario runs: a warm-up whose answers are not counted, then
// the timed window. Both are fixed, so every scenario stops by itself.
type window struct {
	Conns    int
	Warmup   time.Duration
	Duration time.Duration
}

// runLoad runs conns workers in a closed loop (each sends its next request when the
// last is answered) for the warm-up and the window, and summarizes the requests
// started in the window. serverCPU reads the server process's CPU time (nil: none).
func runLoad(ctx context.Context, name string, w window, newWorker func(i int) doFunc, serverCPU func() (time.Duration, error)) (Summary, error) {
	type result struct {
		latencies []time.Duration
		errors    int
		firstErr  error
		last      time.Time
	}
	results := make([]result, w.Conns)
	workers := make([]doFunc, w.Conns)
	for i := range workers {
		workers[i] = newWorker(i)
	}

	start := time.Now()
	windowStart := start.Add(w.Warmup)
	end := windowStart.Add(w.Duration)

	// CPU times are read when the window opens and once every worker is done.
	var cpuMu sync.Mutex
	var srv0, cli0 time.Duration
	var cpuErr error
	cpuAt := func() (srv, cli time.Duration, err error) {
		if serverCPU != nil {
			if srv, err = serverCPU(); err != nil {
				return 0, 0, err
			}
		}
		return srv, selfCPU(), nil
	}
	opened := func() {
		cpuMu.Lock()
		defer cpuMu.Unlock()
		srv0, cli0, cpuErr = cpuAt()
	}
	var timer *time.Timer
	if w.Warmup > 0 {
		timer = time.AfterFunc(w.Warmup, opened)
	} else {
		opened()
	}
	stopTimer := func() bool { return timer != nil && timer.Stop() }

	var wg sync.WaitGroup
	for i, do := range workers {
		wg.Go(func() {
			r := &results[i]
			r.latencies = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				err := do(ctx)
				if errors.Is(err, errExhausted) {
					return
				}
				t1 := time.Now()
				if t0.Before(windowStart) {
					continue // warm-up
				}
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
				} else {
					r.latencies = append(r.latencies, t1.Sub(t0))
				}
				r.last = t1
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		stopTimer()
		return Summary{}, err
	}
	if stopTimer() {
		// Every worker stopped (ran out of work) within the warm-up.
		return Summary{Name: name, Note: "nothing was sent in the window: the work ran out during the warm-up"}, nil
	}
	srv1, cli1, err := cpuAt()
	cpuMu.Lock()
	defer cpuMu.Unlock()
	if err == nil {
		err = cpuErr
	}
	if err != nil {
		return Summary{}, fmt.Errorf("%s: CPU time: %w", name, err)
	}

	var all []time.Duration
	errs, last := 0, windowStart
	var firstErr error
	for _, r := range results {
		all = append(all, r.latencies...)
		errs += r.errors
		if r.firstErr != nil && firstErr == nil {
			firstErr = r.firstErr
		}
		if r.last.After(last) {
			last = r.last
		}
	}
	s := summarize(name, all, errs, last.Sub(windowStart))
	if firstErr != nil {
		s.FirstErr = firstErr.Error()
	}
	if s.Requests > 0 {
		s.ServerCPU = (srv1 - srv0) / time.Duration(s.Requests)
		s.ClientCPU = (cli1 - cli0) / time.Duration(s.Requests)
	}
	if s.Elapsed < w.Duration*9/10 {
		s.Note = fmt.Sprintf("window ended after %.1fs of %s: the work ran out", s.Elapsed.Seconds(), w.Duration)
	}
	return s, nil
}

// newTransport is one pool of keep-alive connections for conns workers. It neither
// asks for nor decompresses gzip by itself: requests that accept gzip say so, and the
// compressed bytes are read and discarded, as a browser's network stack would read them.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          2 * conns,
		MaxIdleConnsPerHost:   2 * conns,
		MaxConnsPerHost:       conns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true,
	}
}

// newClient is a client on tr that returns redirects instead of following them.
func newClient(tr http.RoundTripper, jar http.CookieJar) *http.Client {
	return &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// statusError is an answer with an unexpected status.
type statusError struct {
	method, path string
	code         int
}

func (e statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d", e.method, e.path, e.code)
}

// send makes the request, reads the whole answer and returns it for want (nil: any
// 2xx or 3xx).
func send(c *http.Client, req *http.Request, want func(*http.Response) error) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if want != nil {
		return want(resp)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 399 {
		return statusError{req.Method, req.URL.Path, resp.StatusCode}
	}
	return nil
}

// selfCPU is the CPU time (user and system) of this process so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// userHZ is the unit of the times in /proc/PID/stat: fixed at 100 on Linux.
const userHZ = 100

// procCPU is the CPU time (user and system) of process pid so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	return parseProcStatCPU(string(b))
}

// parseProcStatCPU reads utime and stime (fields 14 and 15) from a /proc/PID/stat
// line. The command name (field 2) may hold spaces, so fields count from its ")".
func parseProcStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc stat line")
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, errors.New("short /proc stat line")
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
