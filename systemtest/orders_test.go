package systemtest

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the checks read the database file as the console does

	"kmsconsole/internal/testserver"
)

// Helpers of the tests that place orders under faults: a form, its posts, and what
// the database holds in the end.

// post is one order post of a load test: when it ran and what it got.
type post struct {
	token      string
	start, end time.Time
	code       int // 0: no response
	retryAfter string
	body       string
	err        error
}

// pendingOrder is one review form of a load test and what the console answered it.
type pendingOrder struct {
	client *testserver.Client
	form   url.Values
	token  string
	ids    []string // the order IDs its acknowledgements named (one, unless duplicated)
	n503   int      // posts of it answered 503
}

func (o *pendingOrder) acked() bool { return len(o.ids) > 0 }

// reviewed opens a review page for a new order.
func reviewed(t *testing.T, c *testserver.Client) *pendingOrder {
	t.Helper()
	f := c.ReviewForm(estimate + "&again=1")
	return &pendingOrder{client: c, form: f, token: f.Get("token")}
}

// placeOnce posts o's form once and records the acknowledgement on o.
func placeOnce(c *testserver.Client, o *pendingOrder, timeout time.Duration) post {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	p := post{token: o.token, start: time.Now()}
	var h http.Header
	p.code, p.body, h, p.err = c.TryPost(ctx, "/orders", o.form)
	p.end = time.Now()
	if p.code == http.StatusServiceUnavailable {
		o.n503++
	}
	if h != nil {
		p.retryAfter = h.Get("Retry-After")
		if loc := h.Get("Location"); p.code == http.StatusSeeOther && strings.HasPrefix(loc, "/orders/") {
			o.ids = append(o.ids, strings.TrimPrefix(loc, "/orders/"))
		}
	}
	return p
}

// ordersByKey reads every order's ID straight from PostgreSQL, by idempotency key.
func ordersByKey(t *testing.T, url string) map[string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT idempotency_key, id FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	return idsByKey(t, rows)
}

// closeIdle closes the clients' idle connections. A connection dialed but never used
// (net/http's transport dials one, then sends the request on a connection freed
// meanwhile) holds up the server's Shutdown until it is 5 s old: closed, the console
// stops at once, well within the 5 s testserver gives it.
func closeIdle(cs ...*testserver.Client) {
	for _, c := range cs {
		c.HTTP.CloseIdleConnections()
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sumValues(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// placeUntilAcked posts o's form until the console acknowledges it.
func placeUntilAcked(t *testing.T, o *pendingOrder, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p := placeOnce(o.client, o, timeout)
		if p.code == http.StatusSeeOther {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("form %s not placed within %v: %d %v\n%.400s", o.token, timeout, p.code, p.err, p.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkDatabase opens the SQLite file of a stopped console: PRAGMA integrity_check
// says ok, each acknowledged form is one order, the one acknowledged, and there is no
// other order.
func checkDatabase(t *testing.T, file string, orders []*pendingOrder) {
	t.Helper()
	byKey := sqliteOrdersByKey(t, file)
	acked := 0
	for _, o := range orders {
		if !o.acked() {
			continue
		}
		acked++
		if got := byKey[o.token]; len(got) != 1 || got[0] != o.ids[0] || len(compactIDs(o.ids)) != 1 {
			t.Errorf("form %s: acknowledged as %v, in the database as %v; want one and the same", o.token, o.ids, got)
		}
	}
	if len(byKey) != acked {
		t.Errorf("the database has orders under %d forms, %d were acknowledged", len(byKey), acked)
	}
}

// sqliteOrdersByKey checks PRAGMA integrity_check on the SQLite file of a stopped
// console and returns its orders' IDs by idempotency key.
func sqliteOrdersByKey(t *testing.T, file string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("PRAGMA integrity_check: %q %v", integrity, err)
	}
	rows, err := db.Query(`SELECT idempotency_key, id FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	return idsByKey(t, rows)
}

// keyedRows is what both pgx and database/sql return for a query.
type keyedRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// idsByKey reads rows of (idempotency_key, id) into the IDs under each key.
func idsByKey(t *testing.T, rows keyedRows) map[string][]string {
	t.Helper()
	byKey := map[string][]string{}
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			t.Fatal(err)
		}
		byKey[key] = append(byKey[key], id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return byKey
}

// checkOrdersShown checks that each acknowledged order's page shows it.
func checkOrdersShown(t *testing.T, srv *testserver.Server, orders []*pendingOrder) {
	t.Helper()
	for _, o := range orders {
		o.client.Base = srv.URL
		if code, body, _ := o.client.Get("/orders/" + o.ids[0]); code != http.StatusOK || !strings.Contains(body, o.ids[0]) || !strings.Contains(body, "22,380.00") {
			t.Errorf("order %s after the restart: %d", o.ids[0], code)
		}
	}
}

func compactIDs(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// pages counts the HTML documents in a response body. It should be one; it is two when
// a session fails to save after the handler chose its page: scs (v2.9.0) has the
// console's session error page written, then lets the handler's page follow it.
func pages(body string) int { return strings.Count(strings.ToLower(body), "<!doctype html>") }
