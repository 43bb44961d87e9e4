package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Group commit. SQLite has one writer, and with synchronous=FULL each commit waits for
// an fsync of the WAL. One transaction per order made the disk's fsync rate the order
// rate. Orders now queue for a single committer goroutine, which takes every order
// waiting (up to maxOrderBatch), inserts them in one transaction and commits once: one
// fsync for the whole batch. No order waits for a timer: a batch is whatever arrived
// while the previous commit was being fsynced, so under light load a batch is one
// order and nothing changes.
//
// Every caller is answered only after the commit that holds its order has returned,
// so an acknowledged order is as durable as before. The crash test (SIGKILL during
// order load, systemtest) and the loadgen's ID-by-ID check prove it on the binary.

// maxOrderBatch bounds one transaction: the console serves 64 connections a process in
// the load tests, and a longer batch would only make its first order wait longer.
const maxOrderBatch = 64

// errStoreClosed answers an order that arrives after Close: the console is stopping,
// so the buyer is told to try again (503), and nothing was written.
var errStoreClosed = fmt.Errorf("%w: the store is closed", ErrUnavailable)

// orderInsert is one order waiting for the committer, with its insert's arguments.
type orderInsert struct {
	ctx  context.Context
	key  string // the idempotency key
	args []any
	done chan orderInserted // buffered: the committer never waits for its reader
}

// orderInserted is the committer's answer: the order was inserted (and committed),
// or an order with the same key was already there (existing), or err.
type orderInserted struct {
	inserted bool
	existing Order
	err      error
}

// groupCommitter owns the queue and the goroutine that drains it.
type groupCommitter struct {
	queue   chan *orderInsert
	quit    chan struct{} // closed by stop
	exited  chan struct{} // closed when the goroutine has returned
	timeout time.Duration // a batch's transaction, from BEGIN to COMMIT
}

func newGroupCommitter(timeout time.Duration) *groupCommitter {
	return &groupCommitter{
		queue:   make(chan *orderInsert, maxOrderBatch),
		quit:    make(chan struct{}),
		exited:  make(chan struct{}),
		timeout: timeout,
	}
}

// insertOrder hands one insert to the committer and waits for its commit.
func (s *sqliteStore) insertOrder(ctx context.Context, req *orderInsert) orderInserted {
	g := s.orders
	req.ctx = ctx
	req.done = make(chan orderInserted, 1)
	select {
	case g.queue <- req:
	case <-g.exited:
		return orderInserted{err: errStoreClosed}
	case <-ctx.Done():
		return orderInserted{err: wrapErr(ctx, "place order", ctx.Err())}
	}
	select {
	case r := <-req.done:
		return r
	case <-ctx.Done():
		// The order may still be committed: a retry with the same key finds it.
		return orderInserted{err: wrapErr(ctx, "place order", ctx.Err())}
	case <-g.exited:
		select {
		case r := <-req.done:
			return r
		default:
			return orderInserted{err: errStoreClosed}
		}
	}
}

// commitOrders is the committer goroutine: it runs until stop.
func (s *sqliteStore) commitOrders() {
	g := s.orders
	defer close(g.exited)
	batch := make([]*orderInsert, 0, maxOrderBatch)
	for {
		select {
		case <-g.quit:
			// Orders still queued are answered, not dropped.
			for {
				select {
				case req := <-g.queue:
					req.done <- orderInserted{err: errStoreClosed}
				default:
					return
				}
			}
		case req := <-g.queue:
			batch = append(batch[:0], req)
		}
	fill:
		for len(batch) < maxOrderBatch {
			select {
			case req := <-g.queue:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		s.commitBatch(batch)
		clear(batch) // let the answered requests go
	}
}

// commitBatch inserts the live orders of batch in one transaction. When the
// transaction fails because of one row (a constraint no order from PlaceOrder should
// break, a value too big) and held more than one order, each order is tried again in
// a transaction of its own, so that the poison row costs only itself. Any other error
// (busy, full, read-only, I/O) is the database's, not a row's: every order of the
// batch gets it at once, rather than each waiting out the busy timeout in turn.
func (s *sqliteStore) commitBatch(batch []*orderInsert) {
	live := batch[:0:0]
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			// Its caller has gone (and been answered with ctx.Err()); nothing was written.
			req.done <- orderInserted{err: wrapErr(req.ctx, "place order", err)}
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	results, err := s.insertBatch(live)
	if err != nil && len(live) > 1 && rowError(err) {
		for _, req := range live {
			s.commitBatch([]*orderInsert{req})
		}
		return
	}
	for i, req := range live {
		if err != nil {
			req.done <- orderInserted{err: err}
			continue
		}
		req.done <- results[i]
	}
}

// insertBatch runs one transaction. A row refused by a constraint (an unknown rep or
// quote version) is that order's own answer: SQLite undoes only the failed statement,
// and the others commit. Any other error fails the whole transaction, which is rolled
// back; SQLite may already have rolled it back by itself (a full disk, an I/O error).
func (s *sqliteStore) insertBatch(batch []*orderInsert) ([]orderInserted, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.orders.timeout)
	defer cancel()
	tx, err := s.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock)
	if err != nil {
		return nil, batchErr(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	insert := tx.StmtContext(ctx, s.insert)
	defer insert.Close()

	results := make([]orderInserted, len(batch))
	for i, req := range batch {
		res, err := insert.ExecContext(ctx, req.args...)
		if isForeignKeyViolation(err) || isTriggerAbort(err) {
			results[i].err = errInvalidLink
			continue
		}
		if err != nil {
			return nil, batchErr(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, batchErr(err)
		}
		if n == 1 {
			results[i].inserted = true
			continue
		}
		// The key is taken, by a committed order or by one earlier in this batch:
		// read it inside the transaction, which sees both.
		existing, err := scanSQLiteOrder(tx.QueryRowContext(ctx, sqliteOrderByKey, req.key))
		if err != nil {
			return nil, batchErr(fmt.Errorf("the order holding its key: %w", err))
		}
		results[i].existing = existing
	}
	if err := tx.Commit(); err != nil {
		return nil, batchErr(err)
	}
	return results, nil
}

// rowError reports whether err is about one row's values rather than the database.
func rowError(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH:
		return true
	}
	return false
}

// batchErr classifies a batch's error. No caller's context governs the batch, so a
// deadline reached here is the writer not answering in time: unavailable, like a busy
// database.
func batchErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: place order: the database took too long: %w", ErrUnavailable, err)
	}
	return wrapErr(context.Background(), "place order", err)
}

// errInvalidLink marks an order refused by a foreign key or trigger; PlaceOrder turns
// it into the caller's own ErrInvalidOrder message.
var errInvalidLink = errors.New("store: invalid link")

// stop makes the committer answer what is queued and return, and waits for it.
func (g *groupCommitter) stop() {
	select {
	case <-g.quit:
	default:
		close(g.quit)
	}
	<-g.exited
}
