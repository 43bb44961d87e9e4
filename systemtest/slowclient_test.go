//go:build linux

package systemtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// The console's timeouts (cmd/console/serve.go), which the slow clients run into.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
)

// TestSlowClientsAreCutOffWhileOthersAreServed attacks the console with clients that
// are slow on purpose: connections sending their headers a byte at a time, posts
// trickling their body, a reader taking seconds over a page, and a connection that asks
// for several megabytes and hardly reads. Each is cut off at the server's timeout for
// it (or served and let go), and meanwhile ordinary buyers browsing the estimator and
// placing orders are served at once, every one of them.
func TestSlowClientsAreCutOffWhileOthersAreServed(t *testing.T) {
	srv := testserver.Start(t, consoleBin)
	normal := startBuyers(t, srv, 4)

	// The attacks at once, each in a subtest of its own. Not t.Parallel: that would let
	// only GOMAXPROCS of them run together (-parallel), and one could start late.
	attacks := []struct {
		name string
		run  func(*testing.T)
	}{
		{"headers a byte at a time are closed at ReadHeaderTimeout", func(t *testing.T) { slowHeaders(t, srv, 5) }},
		{"a trickling body is cut off at ReadTimeout", func(t *testing.T) { slowBody(t, srv, 2) }},
		{"a slow reader of a page is served and let go", func(t *testing.T) { slowReader(t, srv) }},
		{"a client that hardly reads megabytes is cut off at WriteTimeout", func(t *testing.T) { nonReader(t, srv) }},
	}
	var wg sync.WaitGroup
	for _, a := range attacks {
		wg.Go(func() { t.Run(a.name, a.run) })
	}
	wg.Wait()

	lat, fails := normal.stop()
	for _, f := range fails {
		t.Error(f)
	}
	if len(lat) < 100 {
		t.Fatalf("only %d ordinary requests were served during the attacks", len(lat))
	}
	slices.Sort(lat)
	p50, p99, worst := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	if p99 > 200*time.Millisecond {
		t.Errorf("ordinary requests during the attacks: p99 %v, want under 200ms (p50 %v, slowest %v)", p99, p50, worst)
	}
	t.Logf("%d ordinary requests during the attacks, all served: p50 %v, p99 %v, slowest %v",
		len(lat), p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), worst.Round(10*time.Microsecond))
}

// buyers browse the estimator and place an order now and then, timing every request.
type buyers struct {
	done    chan struct{}
	clients []*testserver.Client
	wg      sync.WaitGroup
	mu      sync.Mutex
	lat     []time.Duration
	fails   []string
}

func startBuyers(t *testing.T, srv *testserver.Server, n int) *buyers {
	b := &buyers{done: make(chan struct{})}
	for range n {
		c := testserver.NewClient(t, srv.URL)
		b.clients = append(b.clients, c)
		b.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-b.done:
					return
				case <-time.After(20 * time.Millisecond):
				}
				b.time("estimator", http.StatusOK, func(ctx context.Context) (int, error) {
					code, _, _, err := c.TryGet(ctx, "/"+estimate)
					return code, err
				})
				if i%10 != 0 {
					continue
				}
				var form url.Values
				b.time("review page", http.StatusOK, func(ctx context.Context) (int, error) {
					f, code, err := c.TryReviewForm(ctx, estimate+"&again=1")
					form = f
					return code, err
				})
				if form != nil {
					b.time("order", http.StatusSeeOther, func(ctx context.Context) (int, error) {
						code, _, _, err := c.TryPost(ctx, "/orders", form)
						return code, err
					})
				}
			}
		})
	}
	t.Cleanup(func() { b.stop() })
	return b
}

func (b *buyers) time(what string, want int, do func(context.Context) (int, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	code, err := do(ctx)
	took := time.Since(start)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lat = append(b.lat, took)
	if err != nil || code != want {
		b.fails = append(b.fails, fmt.Sprintf("an ordinary %s request during the attacks: %d %v after %v, want %d", what, code, err, took, want))
	}
}

// stop ends the buyers and returns the latencies and the failures.
func (b *buyers) stop() ([]time.Duration, []string) {
	select {
	case <-b.done:
	default:
		close(b.done)
	}
	b.wg.Wait()
	closeIdle(b.clients...)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lat, b.fails
}

// trickled is what one trickling connection saw: how long until the server answered
// or closed it (-1: never, within the wait), and the bytes it got.
type trickled struct {
	after time.Duration
	got   []byte
}

// trickle opens n connections to srv. Each sends first, then next(i) every 250 ms
// (i counting from 0), until end says the server answered or closed it, or until
// giveUp has passed (reported as after -1 with gaveUp as the bytes).
func trickle(srv *testserver.Server, n int, first []byte, next func(i int) []byte,
	end func(net.Conn) <-chan []byte, giveUp time.Duration, gaveUp string) <-chan trickled {
	results := make(chan trickled, n)
	for range n {
		go func() {
			conn, err := net.Dial("tcp", srv.Addr)
			if err != nil {
				results <- trickled{after: -1, got: []byte(err.Error())}
				return
			}
			defer conn.Close()
			start := time.Now()
			ended := end(conn)
			_, _ = conn.Write(first)
			for i := 0; ; i++ {
				select {
				case got := <-ended:
					results <- trickled{after: time.Since(start), got: got}
					return
				case <-time.After(250 * time.Millisecond):
				}
				if time.Since(start) > giveUp {
					results <- trickled{after: -1, got: []byte(gaveUp)}
					return
				}
				_, _ = conn.Write(next(i)) // fails once the server has closed: end says when
			}
		}()
	}
	return results
}

// slowHeaders opens n connections that send a request's headers one byte every 250 ms,
// never ending them: the server must close each at about ReadHeaderTimeout.
func slowHeaders(t *testing.T, srv *testserver.Server, n int) {
	head := []byte("GET /ssm HTTP/1.1\r\nHost: " + srv.Addr + "\r\nUser-Agent: slowloris\r\nX-Padding: ")
	results := trickle(srv, n, nil, func(i int) []byte {
		if i < len(head) {
			return head[i : i+1]
		}
		return []byte("a")
	}, readUntilClosed, 3*readHeaderTimeout, "still open")
	var after []string
	for range n {
		r := <-results
		after = append(after, r.after.Round(time.Millisecond).String())
		if r.after < readHeaderTimeout-500*time.Millisecond || r.after > readHeaderTimeout+2*time.Second {
			t.Errorf("a connection sending its headers a byte at a time ended after %v (%q), want about %v", r.after, r.got, readHeaderTimeout)
		}
		if bytes.Contains(r.got, []byte(" 200 ")) {
			t.Errorf("a request whose headers never ended was answered: %q", r.got)
		}
	}
	t.Logf("%d connections sending headers a byte every 250 ms, closed by the server after %s", n, strings.Join(after, ", "))
}

// slowBody sends n order posts whose headers are complete but whose body (5000 bytes
// declared) comes one byte every 250 ms: the server must stop waiting at ReadTimeout.
func slowBody(t *testing.T, srv *testserver.Server, n int) {
	head := []byte("POST /orders HTTP/1.1\r\nHost: " + srv.Addr +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nproduct=ssm&account_id=")
	results := trickle(srv, n, head, func(int) []byte { return []byte("1") },
		readFirst, 2*readTimeout, "still waiting")
	var after []string
	for range n {
		r := <-results
		status := statusLine(r.got)
		after = append(after, fmt.Sprintf("%v (%s)", r.after.Round(time.Millisecond), status))
		if r.after < readTimeout-500*time.Millisecond || r.after > readTimeout+3*time.Second {
			t.Errorf("a post trickling its body was answered or closed after %v (%q), want about %v", r.after, status, readTimeout)
		}
		// A 4xx (or a close): the client's fault. It was a 500 "context canceled" once,
		// when rendering the page used the request's context, cancelled by net/http.
		if !strings.HasPrefix(status, "HTTP/1.1 4") && len(r.got) > 0 {
			t.Errorf("a post whose body never came in full was answered %q, want a 4xx", status)
		}
	}
	t.Logf("%d posts trickling a 5000-byte body a byte every 250 ms, cut off after %s", n, strings.Join(after, ", "))
}

// slowReader reads a page (the biggest the estimator makes) 128 bytes every 50 ms
// through a small receive buffer: it gets the whole page, and the server is done with
// the request long before the reader is (the page fits in the socket's buffers).
func slowReader(t *testing.T, srv *testserver.Server) {
	conn := dialSmallBuffer(t, srv.Addr)
	defer conn.Close()
	start := time.Now()
	_, err := conn.Write([]byte("GET /" + estimate + " HTTP/1.1\r\nHost: " + srv.Addr +
		"\r\nX-Request-Id: slow-reader\r\nConnection: close\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 128)
	_ = conn.SetReadDeadline(time.Now().Add(writeTimeout + 5*time.Second))
	for {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("slow read after %v, %d bytes: %v", time.Since(start), len(got), err)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	head, body, _ := bytes.Cut(got, []byte("\r\n\r\n"))
	if statusLine(head) != "HTTP/1.1 200 OK" || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
		t.Fatalf("the slow reader got %q and %d bytes of body, not the whole page", statusLine(head), len(body))
	}
	served, ok := loggedDuration(srv.Logs(), "slow-reader")
	if !ok {
		t.Fatal("no access log line for the slow reader's request")
	}
	if served >= writeTimeout {
		t.Errorf("the server spent %v on a slow reader's request, beyond WriteTimeout", served)
	}
	t.Logf("a reader taking %v over a %d-byte page got all of it; the server was done with it after %v", took.Round(time.Millisecond), len(body), served)
}

// nonReader asks, on one connection with a small receive buffer, for the stylesheet
// 600 times in a row (pipelined, about 8 MB: more than the socket buffers hold) and
// reads a byte every 100 ms. The server's write blocks; at WriteTimeout it must give
// up, free its handler and close the connection, rather than wait for the reader.
func nonReader(t *testing.T, srv *testserver.Server) {
	const asks = 600
	c := testserver.NewClient(t, srv.URL)
	_, page, _ := c.Get("/ssm")
	css := regexp.MustCompile(`/static/css/[^"]+\.css`).FindString(page)
	if css == "" {
		t.Fatal("no stylesheet on /ssm")
	}
	_, sheet, _ := c.Get(css)
	conn := dialSmallBuffer(t, srv.Addr)
	defer conn.Close()
	var reqs bytes.Buffer
	for i := range asks {
		fmt.Fprintf(&reqs, "GET %s HTTP/1.1\r\nHost: %s\r\nX-Request-Id: non-reader-%d\r\n\r\n", css, srv.Addr, i)
	}
	start := time.Now()
	if _, err := conn.Write(reqs.Bytes()); err != nil {
		t.Fatal(err)
	}
	// Read a byte every 100 ms until the server says, in its access log, that it let go
	// of a request of this connection after a long write.
	var got []byte
	one := make([]byte, 1)
	var cut time.Duration
	for cut == 0 {
		if time.Since(start) > writeTimeout+10*time.Second {
			t.Fatalf("after %v the server still holds the request of a client that does not read", time.Since(start))
		}
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		if n, err := conn.Read(one); n == 1 {
			got = append(got, one[0])
		} else if err != nil && !errors.Is(err, io.EOF) && !isTimeout(err) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		ds := loggedDurations(srv.Logs(), "non-reader-")
		for _, d := range ds {
			if d >= writeTimeout-time.Second {
				cut = time.Since(start)
			}
		}
		if len(ds) == asks && cut == 0 {
			t.Fatalf("the server wrote all %d responses at once: the socket buffers held them, and no write had to wait", asks)
		}
	}
	// Then read what is left quickly: the connection must be closed, short of the 600.
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(conn)
	got = append(got, rest...)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the connection is still open after the server let go of it: %v", err)
	}
	answered := bytes.Count(got, []byte("HTTP/1.1 200 OK"))
	if answered >= asks {
		t.Fatalf("all %d responses were delivered: the buffers held them, nothing was tested", asks)
	}
	var served []string
	for _, d := range loggedDurations(srv.Logs(), "non-reader-") {
		if d > time.Second {
			served = append(served, d.Round(time.Millisecond).String())
		}
	}
	t.Logf("a client asking for %d stylesheets (%.1f MB) and reading a byte every 100 ms: the server's write gave up after %s, seen %v after the asks; the connection closed with %d responses delivered (%d bytes read)",
		asks, float64(asks*len(sheet))/1e6, strings.Join(served, ", "), cut.Round(time.Millisecond), answered, len(got))
}

// dialSmallBuffer connects with a 4 KB receive buffer, so that what the client does
// not read backs up into the server's writes.
func dialSmallBuffer(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		}); cerr != nil {
			return cerr
		}
		return err
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// readUntilClosed reads conn until it fails, then sends what it read.
func readUntilClosed(conn net.Conn) <-chan []byte {
	done := make(chan []byte, 1)
	go func() {
		var got []byte
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				done <- got
				return
			}
		}
	}()
	return done
}

// readFirst sends the first bytes read from conn, or nothing when it is closed first.
func readFirst(conn net.Conn) <-chan []byte {
	done := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 4096)
		n, _ := conn.Read(buf)
		done <- buf[:n]
	}()
	return done
}

func statusLine(b []byte) string {
	if len(b) == 0 {
		return "closed without an answer"
	}
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	return string(line)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

var durationField = regexp.MustCompile(`"duration":(\d+)`)

// loggedDurations returns the durations of the access log lines of the requests
// whose ID starts with prefix.
func loggedDurations(logs, prefix string) []time.Duration {
	var ds []time.Duration
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, `"msg":"request"`) || !strings.Contains(line, `"request_id":"`+prefix) {
			continue
		}
		if m := durationField.FindStringSubmatch(line); m != nil {
			ns, _ := strconv.ParseInt(m[1], 10, 64)
			ds = append(ds, time.Duration(ns))
		}
	}
	return ds
}

// loggedDuration is how long the server took over the request with this ID.
func loggedDuration(logs, id string) (time.Duration, bool) {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"request_id":"`+id+`"`) {
			ds := loggedDurations(line, id)
			if len(ds) == 1 {
				return ds[0], true
			}
		}
	}
	return 0, false
}
