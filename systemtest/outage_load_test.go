package systemtest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// TestPostgresOutageUnderOrderLoadLosesAndDuplicatesNothing stops PostgreSQL while
// several buyers place orders without pause, and starts it again a few seconds later,
// without restarting the console. While the database is down every order post answers
// 503 with Retry-After, quickly; /readyz says the database is unavailable; once it is
// back orders go through again by themselves. Every acknowledged order is in the
// database exactly once, and a form posted again after a 503 makes one order at most.
func TestPostgresOutageUnderOrderLoadLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	pg := startPrivatePostgres(t)
	srv := testserver.Start(t, consoleBin, testserver.Args("-database-url", pg.URL))
	const (
		buyers     = 6
		outage     = 3 * time.Second
		bound      = 5 * time.Second // no answer may take longer, database down or not
		warmUp     = 30              // orders acknowledged before the database goes
		afterwards = 30              // and after it is back
	)
	var (
		mu      sync.Mutex
		posts   []post
		orders  []*pendingOrder
		reviews = map[int]int{} // status of failed review pages (0: no response)
		acked   atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	var clients []*testserver.Client
	for range buyers {
		c := testserver.NewClient(t, srv.URL)
		clients = append(clients, c)
		wg.Go(func() {
			// Each buyer holds a form beyond the one it posts, so that whenever the
			// database goes, its next post meets the outage: with one form at a time,
			// every buyer could be fetching its next review page (refused while the
			// database is down) and none post during the outage.
			var held []*pendingOrder // the first is posted; a failed one is posted again
			for !stop.Load() {
				if len(held) < 2 {
					ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
					f, code, err := c.TryReviewForm(ctx, estimate+"&again=1")
					cancel()
					if err != nil {
						mu.Lock()
						reviews[code]++
						mu.Unlock()
						if len(held) == 0 {
							time.Sleep(50 * time.Millisecond)
							continue
						}
					} else {
						o := &pendingOrder{client: c, form: f, token: f.Get("token")}
						held = append(held, o)
						mu.Lock()
						orders = append(orders, o)
						mu.Unlock()
						continue
					}
				}
				p := placeOnce(c, held[0], 2*bound)
				mu.Lock()
				posts = append(posts, p)
				mu.Unlock()
				if p.code == http.StatusSeeOther {
					acked.Add(1)
					held = held[1:]
				} else {
					time.Sleep(100 * time.Millisecond) // as a buyer would, after Retry-After or less
				}
			}
		})
	}
	t.Cleanup(func() { stop.Store(true); wg.Wait() }) // a failed wait below must not leak the buyers

	waitFor(t, 20*time.Second, "orders acknowledged before the outage", func() bool { return acked.Load() >= warmUp })
	stopAsked := time.Now()
	pg.Stop()
	down := time.Now()
	probe := testserver.NewClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	code, body, _, err := probe.TryGet(ctx, "/readyz")
	cancel()
	if err != nil || code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
		t.Errorf("/readyz with the database down: %d %q %v, want 503 naming the database", code, body, err)
	}
	time.Sleep(time.Until(down.Add(outage)))
	startAsked := time.Now()
	pg.Start()
	up := time.Now()
	ackedAtStart := acked.Load()
	waitFor(t, 20*time.Second, "orders acknowledged once the database is back", func() bool {
		return acked.Load() >= ackedAtStart+afterwards
	})
	stop.Store(true)
	wg.Wait()

	// Every form not acknowledged yet is posted again until it is: each ends on one order.
	for _, o := range orders {
		deadline := time.Now().Add(10 * time.Second)
		for !o.acked() && time.Now().Before(deadline) {
			p := placeOnce(o.client, o, 2*bound)
			posts = append(posts, p)
			if !o.acked() {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !o.acked() {
			t.Errorf("form %s still not placed 10 s after the outage", o.token)
		}
	}
	if code, body, _ := probe.Get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the outage: %d %q", code, body)
	}
	closeIdle(append(clients, probe)...)

	var during, unavailable, slowest time.Duration
	var whileDown, n503, doubled, ackedBefore, ackedAfter int
	var firstAfter time.Time
	for _, p := range posts {
		took := p.end.Sub(p.start)
		slowest = max(slowest, took)
		if took > bound {
			t.Errorf("an order post took %v (status %d, %v), over %v", took.Round(time.Millisecond), p.code, p.err, bound)
		}
		switch {
		case p.err != nil:
			t.Errorf("an order post got no answer: %v", p.err)
		case p.code == http.StatusSeeOther:
			if p.end.Before(stopAsked) {
				ackedBefore++
			}
			if p.start.After(up) {
				ackedAfter++
				if firstAfter.IsZero() || p.end.Before(firstAfter) {
					firstAfter = p.end
				}
			}
		case p.code == http.StatusServiceUnavailable:
			n503++
			doubled += pages(p.body) - 1
			if pages(p.body) != 1 {
				t.Errorf("a 503 to an order post holds %d pages, want 1", pages(p.body))
			}
			unavailable = max(unavailable, took)
			if p.retryAfter == "" || !strings.Contains(p.body, "database does not answer") || strings.Contains(p.body, "goroutine") {
				t.Errorf("a 503 to an order post without Retry-After (%q) or a page saying why:\n%.400s", p.retryAfter, p.body)
			}
		default:
			t.Errorf("an order post answered %d, want 303 or 503:\n%.400s", p.code, p.body)
		}
		if p.start.After(down) && p.end.Before(startAsked) {
			whileDown++
			during = max(during, took)
			if p.code != http.StatusServiceUnavailable {
				t.Errorf("an order post while the database was down answered %d, want 503", p.code)
			}
		}
	}
	if whileDown == 0 {
		t.Error("no order was posted while the database was down: the load did not meet the outage")
	}
	for code, n := range reviews {
		if code != http.StatusServiceUnavailable {
			t.Errorf("%d review pages answered %d (0: no answer), want 503 at worst", n, code)
		}
	}

	// The database itself: one row per form, under the ID its acknowledgement named.
	rows := ordersByKey(t, pg.URL)
	retried := 0
	for _, o := range orders {
		if o.n503 > 0 {
			retried++
		}
		if len(slices.Compact(slices.Clone(o.ids))) > 1 {
			t.Errorf("form %s was acknowledged as several orders: %v", o.token, o.ids)
		}
		switch got := rows[o.token]; {
		case len(got) != 1:
			t.Errorf("form %s: %d orders in the database %v, want 1", o.token, len(got), got)
		case got[0] != o.ids[0]:
			t.Errorf("form %s: the database has order %s, the console acknowledged %s", o.token, got[0], o.ids[0])
		}
		delete(rows, o.token)
	}
	for key, ids := range rows {
		t.Errorf("orders %v in the database under key %s, which no buyer posted", ids, key)
	}
	recovery := time.Duration(0)
	if !firstAfter.IsZero() {
		recovery = firstAfter.Sub(up)
	}
	t.Logf("%d buyers, %d forms, %d posts: %d orders acknowledged before the outage, %d posts while PostgreSQL was down %v (all 503, slowest %v), %d 503s in all (slowest %v; %d with a second page after the error page), %d review pages refused; "+
		"first order %v after PostgreSQL was back, %d acknowledged after; slowest post %v; %d forms posted again after a 503, every order once in the database",
		buyers, len(orders), len(posts), ackedBefore, whileDown, startAsked.Sub(down).Round(time.Millisecond), during.Round(time.Millisecond),
		n503, unavailable.Round(time.Millisecond), doubled, sumValues(reviews), recovery.Round(time.Millisecond), ackedAfter, slowest.Round(time.Millisecond), retried)
}
