package systemtest

import (
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kmsconsole/internal/testserver"
	"kmsconsole/store/storetest"
)

// TestTwoInstancesShareSessionsAndOrders runs two consoles on one PostgreSQL, as behind
// a load balancer: a session started on one is recognised by the other, and orders
// placed on both are listed once each, on either.
func TestTwoInstancesShareSessionsAndOrders(t *testing.T) {
	dbURL := storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
	a := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))
	b := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))

	c := testserver.NewClient(t, a.URL)
	var placed []string
	for i := range 4 {
		c.Base = a.URL                              // the review page on one instance...
		form := c.ReviewForm(estimate + "&again=1") // four separate orders
		if i%2 == 1 {
			c.Base = b.URL // ...and the order sometimes on the other
		}
		id, err := c.PlaceOrder(form)
		if err != nil {
			t.Fatal(err)
		}
		placed = append(placed, id)
	}
	for _, inst := range []*testserver.Server{a, b} {
		c.Base = inst.URL
		got := c.MyOrders()
		if len(got) != len(placed) {
			t.Errorf("%s lists %d orders, want %d", inst.URL, len(got), len(placed))
		}
		seen := map[string]int{}
		for _, id := range got {
			seen[id]++
		}
		for _, id := range placed {
			if seen[id] != 1 {
				t.Errorf("%s lists order %s %d times", inst.URL, id, seen[id])
			}
			if code, _, _ := c.Get("/orders/" + id); code != http.StatusOK {
				t.Errorf("%s: order %s: %d", inst.URL, id, code)
			}
		}
	}
	// Another browser sees none of it on either instance.
	other := testserver.NewClient(t, b.URL)
	if code, _, _ := other.Get("/orders/" + placed[0]); code != http.StatusNotFound {
		t.Errorf("another session: %d", code)
	}
}

// TestTwoInstancesSpendAnOrderTokenOnce posts one review form on two instances: the
// second post, from the same browser, ends on the order already placed; from another
// browser it is refused. One order exists in the database.
func TestTwoInstancesSpendAnOrderTokenOnce(t *testing.T) {
	dbURL := storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
	a := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))
	b := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))

	c := testserver.NewClient(t, a.URL)
	form := c.ReviewForm(estimate)
	first, err := c.PlaceOrder(form)
	if err != nil {
		t.Fatal(err)
	}
	c.Base = b.URL
	again, err := c.PlaceOrder(form)
	if err != nil {
		t.Fatalf("the same form again on the other instance: %v", err)
	}
	if again != first {
		t.Errorf("the same form again on the other instance ends on order %s, want %s", again, first)
	}
	other := testserver.NewClient(t, b.URL)
	if code, body, _ := other.Post("/orders", form, nil); code != http.StatusConflict || !strings.Contains(body, "already used") {
		t.Errorf("the form from another browser on the other instance: %d, want 409 saying it was used", code)
	}
	for _, inst := range []*testserver.Server{a, b} {
		c.Base = inst.URL
		if got := c.MyOrders(); len(got) != 1 || got[0] != first {
			t.Errorf("%s lists %v, want only %s", inst.URL, got, first)
		}
	}
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM orders`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d orders in the database, want 1", n)
	}
}

// TestTwoInstancesShareSignInThrottling guesses a rep's password on one instance until
// the throttle's free failures are spent: the other instance then makes even the right
// password wait, with Retry-After, until the wait has passed.
func TestTwoInstancesShareSignInThrottling(t *testing.T) {
	dbURL := storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
	const email, password = "rep@example.com", "correct horse battery staple"
	add := exec.Command(consoleBin, "user", "add", "-email", email, "-data", t.TempDir(), "-database-url", dbURL)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("console user add: %v\n%s", err, out)
	}
	a := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))
	b := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))

	signIn := func(base, password string) (int, http.Header) {
		c := testserver.NewClient(t, base)
		code, _, h := c.Post("/signin", url.Values{"email": {email}, "password": {password}, "next": {"/desk"}}, nil)
		return code, h
	}
	retryAfter := func(h http.Header) time.Duration {
		t.Helper()
		n, err := strconv.Atoi(h.Get("Retry-After"))
		if err != nil || n < 1 {
			t.Fatalf("Retry-After %q, want whole seconds", h.Get("Retry-After"))
		}
		return time.Duration(n) * time.Second
	}
	// Five failures are free; the sixth makes the next attempt wait 1 s, counted
	// from when the failure is recorded, so B is asked at once after A answers.
	for i := range 6 {
		if code, _ := signIn(a.URL, "wrong guess number "+strconv.Itoa(i)); code != http.StatusUnauthorized {
			t.Fatalf("failure %d on A: %d, want 401", i+1, code)
		}
	}
	code, h := signIn(b.URL, password)
	if code != http.StatusTooManyRequests {
		t.Fatalf("the right password on B after 6 failures on A: %d, want 429", code)
	}
	if d := retryAfter(h); d != time.Second {
		t.Errorf("Retry-After on B: %v, want 1s", d)
	}
	// B counts on from A's failures: its own is the seventh, which waits 2 s on A.
	time.Sleep(time.Second + 100*time.Millisecond)
	if code, _ := signIn(b.URL, "wrong guess on B"); code != http.StatusUnauthorized {
		t.Fatalf("failure 7 on B: %d, want 401", code)
	}
	code, h = signIn(a.URL, password)
	if code != http.StatusTooManyRequests {
		t.Fatalf("the right password on A after a failure on B: %d, want 429", code)
	}
	wait := retryAfter(h)
	if wait != 2*time.Second {
		t.Errorf("Retry-After on A: %v, want 2s (the seventh failure)", wait)
	}
	time.Sleep(wait + 100*time.Millisecond)
	if code, h := signIn(b.URL, password); code != http.StatusSeeOther || h.Get("Location") != "/desk" {
		t.Errorf("the right password on B once the wait has passed: %d to %q, want 303 to /desk", code, h.Get("Location"))
	}
}
