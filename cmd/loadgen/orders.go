package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" driver, to count the orders afterwards
)

// reviewPath is the review page of the estimate the order scenarios buy; again=1
// asks for a new one-time token each time (the token is the order's idempotency key).
const reviewPath = "/purchase/ssm?region=ap-tokyo&edition=enterprise&credentials=2500&qps_units=2&billing=annual&term=1&again=1"

// ordersPerSession is how many orders one buyer session places: a few, as a buyer
// would, so no session grows without bound through the run.
const ordersPerSession = 8

// buyer is one browser session and the review forms fetched in it, not yet posted.
type buyer struct {
	client *http.Client
	forms  []url.Values
}

// ledger collects the IDs of the orders the console acknowledged (303 to the order).
type ledger struct {
	mu  sync.Mutex
	ids map[string]bool
	dup int // an ID acknowledged twice: one order placed for two forms
}

func newLedger() *ledger { return &ledger{ids: map[string]bool{}} }

func (l *ledger) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ids[id] {
		l.dup++
	}
	l.ids[id] = true
}

func (l *ledger) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ids)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)"`)

// reviewForm fetches a review page in the buyer's session and returns its form filled
// in as a buyer would, terms accepted (what internal/testserver's client posts).
func reviewForm(ctx context.Context, c *http.Client, base string) (url.Values, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+reviewPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError{http.MethodGet, req.URL.Path, resp.StatusCode}
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(body), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("token") == "" || form.Get("terms_hash") == "" {
		return nil, fmt.Errorf("review page %s has no token or terms_hash", reviewPath)
	}
	form.Set("account_id", "100012345678")
	form.Set("contact_name", "Ada Lovelace")
	form.Set("contact_email", "ada@example.com")
	form.Set("accept_terms", "yes")
	return form, nil
}

// placeOrder posts a form as the browser does (same-origin fetch metadata) and
// records the order it is acknowledged with.
func placeOrder(ctx context.Context, c *http.Client, base string, form url.Values, l *ledger) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/orders", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept-Encoding", "gzip")
	return send(c, req, func(resp *http.Response) error {
		id, ok := strings.CutPrefix(resp.Header.Get("Location"), "/orders/")
		if resp.StatusCode != http.StatusSeeOther || !ok || id == "" {
			return statusError{http.MethodPost, "/orders", resp.StatusCode}
		}
		l.add(id)
		return nil
	})
}

// newBuyer is a browser session of its own on the shared connections.
func newBuyer(tr http.RoundTripper) *buyer {
	jar, _ := cookiejar.New(nil)
	return &buyer{client: newClient(tr, jar)}
}

// prefetch fetches review forms for the order scenario, outside its timed window:
// for at most fetchFor, and no more than limit forms, ordersPerSession per session.
// The fetches are measured too, as the review page's own scenario.
func prefetch(ctx context.Context, name string, p *process, tr http.RoundTripper, conns int, fetchFor time.Duration, limit int) (Summary, chan *buyer, error) {
	var mu sync.Mutex
	var ready []*buyer
	var fetched int
	newWorker := func(int) doFunc {
		var b *buyer
		return func(ctx context.Context) error {
			mu.Lock()
			if fetched >= limit {
				mu.Unlock()
				return errExhausted
			}
			fetched++
			mu.Unlock()
			if b == nil {
				b = newBuyer(tr)
			}
			form, err := reviewForm(ctx, b.client, p.URL)
			if err != nil {
				mu.Lock()
				fetched--
				mu.Unlock()
				return err
			}
			b.forms = append(b.forms, form)
			if len(b.forms) == ordersPerSession {
				mu.Lock()
				ready = append(ready, b)
				mu.Unlock()
				b = nil
			}
			return nil
		}
	}
	// No warm-up: every form fetched is kept, and the window is the whole fetch.
	s, err := runLoad(ctx, name, window{Conns: conns, Duration: fetchFor}, newWorker, p.CPU)
	if err != nil {
		return s, nil, err
	}
	s.Note = "" // stopping at the limit is the plan, not a shortfall
	// Sessions left part-full by a worker are lost to the pool: at most conns-1 of
	// them, a few forms each. The pool holds complete sessions only.
	pool := make(chan *buyer, len(ready))
	for _, b := range ready {
		pool <- b
	}
	close(pool)
	if len(ready) == 0 {
		return s, nil, fmt.Errorf("%s: no review forms fetched (%s)", name, s.FirstErr)
	}
	return s, pool, nil
}

// orderWorkers post the prefetched forms, each buyer's in turn in its session.
func orderWorkers(p *process, pool chan *buyer, l *ledger) func(int) doFunc {
	return func(int) doFunc {
		var b *buyer
		return func(ctx context.Context) error {
			for b == nil || len(b.forms) == 0 {
				var ok bool
				if b, ok = <-pool; !ok {
					return errExhausted
				}
			}
			form := b.forms[0]
			b.forms = b.forms[1:]
			return placeOrder(ctx, b.client, p.URL, form, l)
		}
	}
}

// Verification is the comparison of the acknowledged orders with the database.
type Verification struct {
	Store          string
	Acknowledged   int
	InDatabase     int
	Missing        int // acknowledged, not in the database
	Unacknowledged int // in the database, never acknowledged
	Duplicates     int
}

// OK is true when the database holds exactly the acknowledged orders.
func (v Verification) OK() bool {
	return v.Acknowledged == v.InDatabase && v.Missing == 0 && v.Unacknowledged == 0 && v.Duplicates == 0
}

func (v Verification) String() string {
	verdict := "OK"
	if !v.OK() {
		verdict = fmt.Sprintf("FAILED (%d acknowledged but missing, %d in the database but never acknowledged, %d acknowledged twice)",
			v.Missing, v.Unacknowledged, v.Duplicates)
	}
	return fmt.Sprintf("%s: %d orders acknowledged (303), %d in the database: %s", v.Store, v.Acknowledged, v.InDatabase, verdict)
}

// verify compares the ledger with the orders table.
func verify(store string, l *ledger, ids []string) Verification {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := Verification{Store: store, Acknowledged: len(l.ids), InDatabase: len(ids), Duplicates: l.dup}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
		if !l.ids[id] {
			v.Unacknowledged++
		}
	}
	for id := range l.ids {
		if !seen[id] {
			v.Missing++
		}
	}
	return v
}

// sqliteOrderIDs reads the order IDs of a stopped console's SQLite database.
func sqliteOrderIDs(ctx context.Context, dataDir string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "console.db")+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT id FROM orders`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// postgresOrderIDs reads the order IDs of a PostgreSQL database.
func postgresOrderIDs(ctx context.Context, databaseURL string) ([]string, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id FROM orders`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
