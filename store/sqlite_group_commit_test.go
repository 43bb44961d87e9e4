package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openTestSQLite(t *testing.T, dir string) *sqliteStore {
	t.Helper()
	s, err := openSQLite(t.Context(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)), sqliteOptions{})
	if err != nil {
		t.Fatalf("openSQLite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// queued is an order ready for commitBatch, as PlaceOrder would queue it.
func queued(t *testing.T, ctx context.Context, o Order) (*orderInsert, Order) {
	t.Helper()
	o, err := prepare(o, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &orderInsert{ctx: ctx, key: o.IdempotencyKey, args: sqliteOrderRow(o), done: make(chan orderInserted, 1)}, o
}

func answer(t *testing.T, req *orderInsert) orderInserted {
	t.Helper()
	select {
	case r := <-req.done:
		return r
	default:
		t.Fatalf("order %s was not answered", req.key)
		return orderInserted{}
	}
}

func ordersIn(t *testing.T, s *sqliteStore) map[string]string {
	t.Helper()
	rows, err := s.reader.QueryContext(t.Context(), `SELECT idempotency_key, id FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			t.Fatal(err)
		}
		got[key] = id
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// One transaction holds orders with every kind of answer; each gets its own.
func TestGroupCommitAnswersEachOrderOfABatch(t *testing.T) {
	s := openTestSQLite(t, t.TempDir())
	first, _, err := s.PlaceOrder(t.Context(), testOrder("taken"))
	if err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	unknownRep := testOrder("unknown-rep")
	unknownRep.Rep = "usr_aaaaaaaaaaaaaaaaaaaaaaaaaa"

	fresh, freshOrder := queued(t, t.Context(), testOrder("fresh"))
	again, _ := queued(t, t.Context(), testOrder("taken"))
	twin1, twinOrder := queued(t, t.Context(), testOrder("twin"))
	twin2, _ := queued(t, t.Context(), testOrder("twin"))
	badRep, _ := queued(t, t.Context(), unknownRep)
	left, _ := queued(t, gone, testOrder("caller-left"))
	s.commitBatch([]*orderInsert{fresh, again, twin1, twin2, badRep, left})

	if r := answer(t, fresh); !r.inserted || r.err != nil {
		t.Errorf("a new key: %+v, want inserted", r)
	}
	if r := answer(t, again); r.inserted || r.err != nil || r.existing.ID != first.ID {
		t.Errorf("a committed key: inserted %v, existing %q, %v; want the existing %s", r.inserted, r.existing.ID, r.err, first.ID)
	}
	if r := answer(t, twin1); !r.inserted || r.err != nil {
		t.Errorf("the first of two orders with one key: %+v, want inserted", r)
	}
	if r := answer(t, twin2); r.inserted || r.err != nil || r.existing.ID != twinOrder.ID {
		t.Errorf("the second of two orders with one key: inserted %v, existing %q, %v; want %s, placed earlier in the same batch",
			r.inserted, r.existing.ID, r.err, twinOrder.ID)
	}
	if r := answer(t, badRep); !errors.Is(r.err, errInvalidLink) {
		t.Errorf("an unknown rep: %v, want errInvalidLink", r.err)
	}
	if r := answer(t, left); !errors.Is(r.err, context.Canceled) {
		t.Errorf("a caller who left: %v, want context.Canceled", r.err)
	}

	want := map[string]string{"taken": first.ID, "fresh": freshOrder.ID, "twin": twinOrder.ID}
	got := ordersIn(t, s)
	if len(got) != len(want) {
		t.Errorf("orders in the database: %v, want %v", got, want)
	}
	for k, id := range want {
		if got[k] != id {
			t.Errorf("order with key %q: %q, want %q", k, got[k], id)
		}
	}
}

// A row the database refuses with an error that fails the transaction (here a CHECK
// constraint, which no order from PlaceOrder can break) costs only that order.
func TestGroupCommitPoisonOrderCostsOnlyItself(t *testing.T) {
	s := openTestSQLite(t, t.TempDir())
	var batch []*orderInsert
	for _, key := range []string{"a", "b", "poison", "c"} {
		req, _ := queued(t, t.Context(), testOrder(key))
		if key == "poison" {
			req.args[12] = 7 // quota_increase_required IN (0, 1)
		}
		batch = append(batch, req)
	}
	s.commitBatch(batch)
	for _, req := range batch {
		r := answer(t, req)
		if req.key == "poison" {
			if r.err == nil || r.inserted || errors.Is(r.err, errInvalidLink) {
				t.Errorf("the poison order: %+v, want an error of its own", r)
			}
			continue
		}
		if !r.inserted || r.err != nil {
			t.Errorf("order %s beside the poison one: %+v, want inserted", req.key, r)
		}
	}
	got := ordersIn(t, s)
	if len(got) != 3 || got["poison"] != "" {
		t.Errorf("orders in the database: %v, want a, b and c", got)
	}
}

// Close while buyers are placing orders: every call returns, an order is either
// acknowledged and in the database or refused as unavailable, and after Close no
// order is taken.
func TestGroupCommitCloseAnswersEveryOrder(t *testing.T) {
	dir := t.TempDir()
	s, err := openSQLite(t.Context(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)), sqliteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const buyers = 16
	var (
		mu    sync.Mutex
		acked = map[string]string{}
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for b := range buyers {
		wg.Go(func() {
			<-start
			for i := 0; ; i++ {
				key := fmt.Sprintf("buyer%d-%d", b, i)
				o, created, err := s.PlaceOrder(context.Background(), testOrder(key))
				if err != nil {
					if !errors.Is(err, ErrUnavailable) {
						t.Errorf("buyer %d: %v, want ErrUnavailable once the store closes", b, err)
					}
					return
				}
				if created {
					mu.Lock()
					acked[key] = o.ID
					mu.Unlock()
				}
			}
		})
	}
	close(start)
	time.Sleep(200 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("buyers still waiting 30 s after Close")
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, _, err := s.PlaceOrder(t.Context(), testOrder("after-close")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("PlaceOrder after Close: %v, want ErrUnavailable", err)
	}

	again := openTestSQLite(t, dir)
	got := ordersIn(t, again)
	if len(acked) == 0 {
		t.Fatal("no order was acknowledged before Close")
	}
	for key, id := range acked {
		if got[key] != id {
			t.Errorf("acknowledged order %s (%s): %q in the database", key, id, got[key])
		}
	}
	if len(got) != len(acked) {
		t.Errorf("%d orders in the database, %d acknowledged", len(got), len(acked))
	}
	t.Logf("%d orders acknowledged before Close", len(acked))
}

// A database that cannot take the batch (here: busy, another process holding the
// write lock) answers every order of it at once as unavailable; the orders are not
// retried one by one, each waiting out the busy timeout again.
func TestGroupCommitBusyDatabaseAnswersTheWholeBatchAtOnce(t *testing.T) {
	dir := t.TempDir()
	const busy = 250 * time.Millisecond
	s, err := openSQLite(t.Context(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)), sqliteOptions{busyTimeout: busy})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	other, err := sql.Open("sqlite", sqliteDSN(filepath.Join(dir, "console.db"), url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback() //nolint:errcheck // the test's own lock

	var batch []*orderInsert
	for i := range 6 {
		req, _ := queued(t, t.Context(), testOrder(fmt.Sprint("busy-", i)))
		batch = append(batch, req)
	}
	start := time.Now()
	s.commitBatch(batch)
	took := time.Since(start)
	for _, req := range batch {
		if r := answer(t, req); !errors.Is(r.err, ErrUnavailable) {
			t.Errorf("order %s: %+v, want ErrUnavailable", req.key, r)
		}
	}
	// One wait for the lock, not seven (the batch, then each order): a bound with a
	// wide margin, since this is about how many times it waits, not how fast.
	if took > 4*busy {
		t.Errorf("the batch took %s to be refused with a busy timeout of %s: retried order by order?", took, busy)
	}
}

// Loading a session does not wait for the writer connection, which a batch of orders
// (or anything else writing) may hold.
func TestSessionReadsDoNotWaitForTheWriter(t *testing.T) {
	s := openTestSQLite(t, t.TempDir())
	if err := s.SessionStore().Commit("token-1", []byte("cart"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	held, err := s.writer.Conn(t.Context()) // the writer's only connection
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	found := make(chan error, 1)
	go func() {
		b, ok, err := s.SessionStore().Find("token-1")
		if err == nil && (!ok || string(b) != "cart") {
			err = fmt.Errorf("found %q, %v", b, ok)
		}
		found <- err
	}()
	select {
	case err := <-found:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Find waited for the writer connection")
	}
}
