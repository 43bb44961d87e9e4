package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	"github.com/shopspring/decimal"
	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteTime is how a time is written: UTC, fixed width, so that text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

type sqliteOptions struct {
	busyTimeout time.Duration // default 5s
}

// sqliteStore writes through one connection and reads through a pool. With WAL,
// readers never wait for the writer; with a single writer, goroutines queue in
// database/sql instead of spinning in SQLite's busy handler, and a write transaction
// can never fail with SQLITE_BUSY because another connection of ours holds the lock.
// Each commit is fsynced (synchronous=FULL) before PlaceOrder returns.
type sqliteStore struct {
	writer   *sql.DB
	reader   *sql.DB
	insert   *sql.Stmt // prepared once: parsing the statement was a fifth of an order's CPU
	sessions sqliteSessions
	orders   *groupCommitter // PlaceOrder's inserts, committed in batches
	stop     sync.Once
}

func openSQLite(ctx context.Context, dataDir string, logger *slog.Logger, opt sqliteOptions) (*sqliteStore, error) {
	if dataDir == "" {
		return nil, errors.New("store: no data directory for the SQLite database")
	}
	if opt.busyTimeout == 0 {
		opt.busyTimeout = 5 * time.Second
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	file := filepath.Join(dir, "console.db")
	busy := strconv.FormatInt(opt.busyTimeout.Milliseconds(), 10)

	writer, err := sql.Open("sqlite", sqliteDSN(file, url.Values{
		"_busy_timeout": {busy},
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		"_foreign_keys": {"1"},
		"_txlock":       {"immediate"},
	}))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	applied, err := setUpSQLite(ctx, writer, opt.busyTimeout)
	if err != nil {
		writer.Close()
		return nil, err
	}
	// The database and WAL files must survive a power cut too, not only their contents.
	if err := syncDir(dir); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: sync %s: %w", dir, err)
	}

	reader, err := sql.Open("sqlite", sqliteDSN(file, url.Values{
		"_busy_timeout": {busy},
		"_query_only":   {"1"},
	}))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	reader.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	reader.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))

	insert, err := writer.PrepareContext(ctx, sqliteInsertOrder)
	if err != nil {
		reader.Close()
		writer.Close()
		return nil, wrapErr(ctx, "prepare", err)
	}
	s := &sqliteStore{
		writer: writer,
		reader: reader,
		insert: insert,
		sessions: sqliteSessions{
			// Session writes (and the sweep of expired ones) go through the writer
			// connection, in the same queue as orders; reads go to the reader pool,
			// so that loading a session never waits behind a batch of orders.
			writes: sqlite3store.NewWithCleanupInterval(writer, 5*time.Minute),
			reads:  sqlite3store.NewWithCleanupInterval(reader, 0), // no second sweeper
		},
		orders: newGroupCommitter(opt.busyTimeout + 5*time.Second),
	}
	go s.commitOrders()
	logger.Info("store opened", "database", "sqlite", "path", file,
		"journal_mode", "wal", "synchronous", "full", "migrations_applied", applied)
	return s, nil
}

func sqliteDSN(file string, q url.Values) string {
	return "file:" + file + "?" + q.Encode()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// setUpSQLite checks the connection's journal mode and migrates. Two processes
// opening a new file at once can get SQLITE_BUSY without SQLite's busy handler being
// called (switching to WAL, or a lock upgrade that would deadlock), so a busy error
// is retried here until the busy timeout.
func setUpSQLite(ctx context.Context, writer *sql.DB, busyTimeout time.Duration) (applied int, err error) {
	deadline := time.Now().Add(busyTimeout)
	for {
		applied, err = func() (int, error) {
			var mode string
			if err := writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
				return 0, wrapErr(ctx, "journal mode", err)
			}
			if mode != "wal" {
				return 0, fmt.Errorf("store: journal mode is %q, want wal", mode)
			}
			return migrateSQLite(ctx, writer)
		}()
		if !isBusy(err) || time.Now().After(deadline) {
			return applied, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Duration(10+mathrand.IntN(40)) * time.Millisecond):
		}
	}
}

func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

func isForeignKeyViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isTriggerAbort: a trigger refused the row (RAISE(ABORT)), as
// orders_quote_version_exists does for a quote version that does not exist.
func isTriggerAbort(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_TRIGGER
}

// migrateSQLite applies the missing migrations in one BEGIN IMMEDIATE transaction:
// a second process opening the same file at once waits for the first, then finds
// nothing left to do.
func migrateSQLite(ctx context.Context, db *sql.DB) (applied int, err error) {
	ms, err := migrations("sqlite")
	if err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock)
	if err != nil {
		return 0, wrapErr(ctx, "migrate", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return 0, wrapErr(ctx, "migrate", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, wrapErr(ctx, "migrate", err)
	}
	for _, m := range ms[min(current, len(ms)):] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, time.Now().UTC().Format(sqliteTime)); err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		applied++
	}
	if err := tx.Commit(); err != nil {
		return 0, wrapErr(ctx, "migrate", err)
	}
	return applied, nil
}

const sqliteOrderColumns = `id, created_at, status, owner, buyer_account_id, buyer_contact_name,
	buyer_contact_email, quote, price_book_version, terms_version, terms_hash, terms_accepted_at,
	quota_increase_required, monthly_total, upfront_total, products, regions, idempotency_key, rep,
	quote_id, quote_version, view_key`

// sqliteSelectOrder reads what scanSQLiteOrder scans.
const sqliteSelectOrder = `SELECT id, created_at, status, owner, buyer_account_id, buyer_contact_name,
	buyer_contact_email, quote, price_book_version, terms_version, terms_hash, terms_accepted_at,
	quota_increase_required, monthly_total, upfront_total, products, regions, idempotency_key,
	coalesce(rep, ''), coalesce(quote_id, ''), coalesce(quote_version, 0), coalesce(view_key, '') FROM orders`

var (
	sqliteInsertOrder = `INSERT INTO orders (` + sqliteOrderColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		ON CONFLICT (idempotency_key) DO NOTHING`
	sqliteOrderByKey = sqliteSelectOrder + ` WHERE idempotency_key = $1`
)

func (s *sqliteStore) PlaceOrder(ctx context.Context, o Order) (Order, bool, error) {
	o, err := prepare(o, time.Now())
	if err != nil {
		return Order{}, false, err
	}
	row := sqliteOrderRow(o)
	// The insert is committed, with whatever other orders were waiting, and fsynced
	// before insertOrder returns (sqlite_group_commit.go).
	r := s.insertOrder(ctx, &orderInsert{key: o.IdempotencyKey, args: row})
	if errors.Is(r.err, errInvalidLink) {
		return Order{}, false, invalidLink(o)
	}
	if r.err != nil {
		return Order{}, false, r.err
	}
	if !r.inserted {
		if r.existing.Owner != o.Owner {
			return Order{}, false, ErrIdempotencyConflict
		}
		return r.existing, false, nil
	}
	o.Products, o.Regions = nilIfEmpty(o.Products), nilIfEmpty(o.Regions)
	return o, true, nil
}

// sqliteOrderRow is a prepared order as the arguments of sqliteInsertOrder.
func sqliteOrderRow(o Order) []any {
	products, _ := json.Marshal(o.Products)
	regions, _ := json.Marshal(o.Regions)
	return []any{
		o.ID, o.CreatedAt.Format(sqliteTime), o.Status, o.Owner,
		o.Buyer.AccountID, o.Buyer.ContactName, o.Buyer.ContactEmail,
		quoteJSON(o.Quote), o.PriceBookVersion, o.TermsVersion, o.TermsHash, o.TermsAcceptedAt.Format(sqliteTime),
		o.QuotaIncreaseRequired, money(o.MonthlyTotal), money(o.UpfrontTotal),
		string(products), string(regions), o.IdempotencyKey, nullable(o.Rep),
		nullable(o.QuoteID), nullableInt(o.QuoteVersion), o.ViewKey,
	}
}

func (s *sqliteStore) Order(ctx context.Context, id string) (Order, error) {
	o, err := scanSQLiteOrder(s.reader.QueryRowContext(ctx, sqliteSelectOrder+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	return o, wrapErr(ctx, "order", err)
}

func (s *sqliteStore) PlacedOrderID(ctx context.Context, owner, key string) (string, error) {
	var id string
	err := s.reader.QueryRowContext(ctx, `SELECT id FROM orders WHERE idempotency_key = $1 AND owner = $2`, key, owner).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, wrapErr(ctx, "placed order", err)
}

func (s *sqliteStore) NewViewKey(ctx context.Context, id, owner string) (string, error) {
	key := newToken()
	res, err := s.writer.ExecContext(ctx, `UPDATE orders SET view_key = $1 WHERE id = $2 AND owner = $3`, key, id, owner)
	if err != nil {
		return "", wrapErr(ctx, "new view key", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", wrapErr(ctx, "new view key", err)
	} else if n == 0 {
		return "", ErrNotFound
	}
	return key, nil
}

func (s *sqliteStore) OrdersByOwner(ctx context.Context, owner string, limit int) ([]Order, error) {
	rows, err := s.reader.QueryContext(ctx, sqliteSelectOrder+`
		WHERE owner = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, owner, clampLimit(limit))
	if err != nil {
		return nil, wrapErr(ctx, "orders by owner", err)
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		o, err := scanSQLiteOrder(rows)
		if err != nil {
			return nil, wrapErr(ctx, "orders by owner", err)
		}
		orders = append(orders, o)
	}
	return orders, wrapErr(ctx, "orders by owner", rows.Err())
}

func scanSQLiteOrder(row interface{ Scan(...any) error }) (Order, error) {
	var (
		o                          Order
		createdAt, termsAcceptedAt string
		quote, products, regions   string
		monthly, upfront           string
	)
	err := row.Scan(&o.ID, &createdAt, &o.Status, &o.Owner,
		&o.Buyer.AccountID, &o.Buyer.ContactName, &o.Buyer.ContactEmail,
		&quote, &o.PriceBookVersion, &o.TermsVersion, &o.TermsHash, &termsAcceptedAt,
		&o.QuotaIncreaseRequired, &monthly, &upfront, &products, &regions, &o.IdempotencyKey, &o.Rep,
		&o.QuoteID, &o.QuoteVersion, &o.ViewKey)
	if err != nil {
		return Order{}, err
	}
	if o.CreatedAt, err = time.Parse(sqliteTime, createdAt); err != nil {
		return Order{}, fmt.Errorf("order %s: created_at: %w", o.ID, err)
	}
	if o.TermsAcceptedAt, err = time.Parse(sqliteTime, termsAcceptedAt); err != nil {
		return Order{}, fmt.Errorf("order %s: terms_accepted_at: %w", o.ID, err)
	}
	if o.MonthlyTotal, err = decimal.NewFromString(monthly); err != nil {
		return Order{}, fmt.Errorf("order %s: monthly_total: %w", o.ID, err)
	}
	if o.UpfrontTotal, err = decimal.NewFromString(upfront); err != nil {
		return Order{}, fmt.Errorf("order %s: upfront_total: %w", o.ID, err)
	}
	if err := decodeJSON(o.ID, quote, products, regions, &o); err != nil {
		return Order{}, err
	}
	return o, nil
}

// decodeJSON reads the quote snapshot and the lists.
func decodeJSON(id, quote, products, regions string, o *Order) error {
	if err := json.Unmarshal([]byte(quote), &o.Quote); err != nil {
		return fmt.Errorf("order %s: quote: %w", id, err)
	}
	if err := json.Unmarshal([]byte(products), &o.Products); err != nil {
		return fmt.Errorf("order %s: products: %w", id, err)
	}
	if err := json.Unmarshal([]byte(regions), &o.Regions); err != nil {
		return fmt.Errorf("order %s: regions: %w", id, err)
	}
	o.Products, o.Regions = nilIfEmpty(o.Products), nilIfEmpty(o.Regions)
	return nil
}

func (s *sqliteStore) SessionStore() scs.Store { return s.sessions }

// sqliteSessions reads sessions through the reader pool and writes them through the
// writer connection. With WAL a read sees every committed write, so a session saved by
// one request is found by the next.
type sqliteSessions struct {
	writes, reads *sqlite3store.SQLite3Store
}

func (s sqliteSessions) Find(token string) ([]byte, bool, error) { return s.reads.Find(token) }
func (s sqliteSessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.writes.Commit(token, b, expiry)
}
func (s sqliteSessions) Delete(token string) error       { return s.writes.Delete(token) }
func (s sqliteSessions) All() (map[string][]byte, error) { return s.reads.All() }

// Ping reads from the database file, which a bare connection check would not.
func (s *sqliteStore) Ping(ctx context.Context) error {
	var v int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&v)
	return wrapErr(ctx, "ping", err)
}

func (s *sqliteStore) Close() error {
	s.stop.Do(func() {
		s.orders.stop()
		s.sessions.writes.StopCleanup()
	})
	return errors.Join(s.insert.Close(), s.reader.Close(), s.writer.Close())
}
