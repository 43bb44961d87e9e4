package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// migrationLock is the advisory lock key that serialises migrations across
// instances starting at once ("kmscons").
const migrationLock int64 = 0x6b6d73636f6e73

// postgresStore uses a pgxpool: a connection that breaks is dropped and a new one
// dialled on the next use, so the store recovers by itself when the server returns.
type postgresStore struct {
	pool     *pgxpool.Pool
	sessions pgSessions
	stop     sync.Once
}

// pgSessions is pgxstore's store with its context-free methods working: pgxstore
// panics in Find, Commit, Delete and All ("missing context arg"). scs's
// SessionManager calls the Ctx methods, which pass through unchanged.
type pgSessions struct{ *pgxstore.PostgresStore }

func (p pgSessions) Find(token string) ([]byte, bool, error) {
	return p.FindCtx(context.Background(), token)
}

func (p pgSessions) Commit(token string, b []byte, expiry time.Time) error {
	return p.CommitCtx(context.Background(), token, b, expiry)
}

func (p pgSessions) Delete(token string) error {
	return p.DeleteCtx(context.Background(), token)
}

func (p pgSessions) All() (map[string][]byte, error) {
	return p.AllCtx(context.Background())
}

func openPostgres(ctx context.Context, databaseURL string, logger *slog.Logger) (*postgresStore, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	// Without a timeout a request waits as long as the kernel takes to give up on an
	// unreachable server; five seconds, then 503.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrapErr(ctx, "connect", err)
	}
	applied, err := migratePostgres(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s := &postgresStore{pool: pool, sessions: pgSessions{pgxstore.NewWithCleanupInterval(pool, 5*time.Minute)}}
	logger.Info("store opened", "database", "postgres", "host", cfg.ConnConfig.Host,
		"port", cfg.ConnConfig.Port, "name", cfg.ConnConfig.Database, "user", cfg.ConnConfig.User,
		"max_conns", cfg.MaxConns, "migrations_applied", applied)
	return s, nil
}

// migratePostgres applies the missing migrations in one transaction that first takes
// an advisory lock: a second instance starting at once waits, then finds nothing to do.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool) (applied int, err error) {
	ms, err := migrations("postgres")
	if err != nil {
		return 0, err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		for _, m := range ms[min(current, len(ms)):] {
			// The simple protocol runs a file of several statements.
			if _, err := tx.Exec(ctx, m.sql, pgx.QueryExecModeSimpleProtocol); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, wrapErr(ctx, "migrate", err)
	}
	return applied, nil
}

const pgOrderColumns = `id, created_at, status, owner, buyer_account_id, buyer_contact_name,
	buyer_contact_email, quote::text, price_book_version, terms_version, terms_hash, terms_accepted_at,
	quota_increase_required, monthly_total::text, upfront_total::text, products, regions, idempotency_key,
	coalesce(rep, ''), coalesce(quote_id, ''), coalesce(quote_version, 0), coalesce(view_key, '')`

const pgInsertOrder = `INSERT INTO orders (id, created_at, status, owner,
	buyer_account_id, buyer_contact_name, buyer_contact_email, quote, price_book_version,
	terms_version, terms_hash, terms_accepted_at, quota_increase_required,
	monthly_total, upfront_total, products, regions, idempotency_key, rep, quote_id, quote_version, view_key)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::json, $9, $10, $11, $12, $13,
		$14::text::numeric, $15::text::numeric, $16, $17, $18, $19, $20, $21, $22)
	ON CONFLICT (idempotency_key) DO NOTHING`

func (s *postgresStore) PlaceOrder(ctx context.Context, o Order) (Order, bool, error) {
	o, err := prepare(o, time.Now())
	if err != nil {
		return Order{}, false, err
	}
	// One statement is one transaction (autocommit): a round trip instead of three
	// for BEGIN, INSERT, COMMIT. A concurrent insert with the same key waits on the
	// unique index for the other to commit, then does nothing.
	tag, err := s.pool.Exec(ctx, pgInsertOrder,
		o.ID, o.CreatedAt, o.Status, o.Owner,
		o.Buyer.AccountID, o.Buyer.ContactName, o.Buyer.ContactEmail,
		quoteJSON(o.Quote), o.PriceBookVersion, o.TermsVersion, o.TermsHash, o.TermsAcceptedAt,
		o.QuotaIncreaseRequired, money(o.MonthlyTotal), money(o.UpfrontTotal),
		o.Products, o.Regions, o.IdempotencyKey, nullable(o.Rep), nullable(o.QuoteID), nullableInt(o.QuoteVersion), o.ViewKey)
	if pgErrCode(err) == pgForeignKeyViolation {
		return Order{}, false, invalidLink(o)
	}
	if err != nil {
		return Order{}, false, wrapErr(ctx, "place order", err)
	}
	if tag.RowsAffected() == 0 {
		// The key's order is committed (that is what the insert waited for).
		existing, err := scanPgOrder(s.pool.QueryRow(ctx,
			`SELECT `+pgOrderColumns+` FROM orders WHERE idempotency_key = $1`, o.IdempotencyKey))
		if err != nil {
			return Order{}, false, wrapErr(ctx, "place order", err)
		}
		if existing.Owner != o.Owner {
			return Order{}, false, ErrIdempotencyConflict
		}
		return existing, false, nil
	}
	o.Products, o.Regions = nilIfEmpty(o.Products), nilIfEmpty(o.Regions)
	return o, true, nil
}

func (s *postgresStore) Order(ctx context.Context, id string) (Order, error) {
	o, err := scanPgOrder(s.pool.QueryRow(ctx, `SELECT `+pgOrderColumns+` FROM orders WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	return o, wrapErr(ctx, "order", err)
}

func (s *postgresStore) PlacedOrderID(ctx context.Context, owner, key string) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT id FROM orders WHERE idempotency_key = $1 AND owner = $2`, key, owner).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, wrapErr(ctx, "placed order", err)
}

func (s *postgresStore) NewViewKey(ctx context.Context, id, owner string) (string, error) {
	key := newToken()
	tag, err := s.pool.Exec(ctx, `UPDATE orders SET view_key = $1 WHERE id = $2 AND owner = $3`, key, id, owner)
	if err != nil {
		return "", wrapErr(ctx, "new view key", err)
	}
	if tag.RowsAffected() == 0 {
		return "", ErrNotFound
	}
	return key, nil
}

func (s *postgresStore) OrdersByOwner(ctx context.Context, owner string, limit int) ([]Order, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pgOrderColumns+` FROM orders
		WHERE owner = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, owner, clampLimit(limit))
	if err != nil {
		return nil, wrapErr(ctx, "orders by owner", err)
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		o, err := scanPgOrder(rows)
		if err != nil {
			return nil, wrapErr(ctx, "orders by owner", err)
		}
		orders = append(orders, o)
	}
	return orders, wrapErr(ctx, "orders by owner", rows.Err())
}

func scanPgOrder(row pgx.Row) (Order, error) {
	var (
		o                Order
		quote            string
		monthly, upfront string
	)
	err := row.Scan(&o.ID, &o.CreatedAt, &o.Status, &o.Owner,
		&o.Buyer.AccountID, &o.Buyer.ContactName, &o.Buyer.ContactEmail,
		&quote, &o.PriceBookVersion, &o.TermsVersion, &o.TermsHash, &o.TermsAcceptedAt,
		&o.QuotaIncreaseRequired, &monthly, &upfront, &o.Products, &o.Regions, &o.IdempotencyKey, &o.Rep,
		&o.QuoteID, &o.QuoteVersion, &o.ViewKey)
	if err != nil {
		return Order{}, err
	}
	o.CreatedAt, o.TermsAcceptedAt = o.CreatedAt.UTC(), o.TermsAcceptedAt.UTC()
	if o.MonthlyTotal, err = decimal.NewFromString(monthly); err != nil {
		return Order{}, fmt.Errorf("order %s: monthly_total: %w", o.ID, err)
	}
	if o.UpfrontTotal, err = decimal.NewFromString(upfront); err != nil {
		return Order{}, fmt.Errorf("order %s: upfront_total: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(quote), &o.Quote); err != nil {
		return Order{}, fmt.Errorf("order %s: quote: %w", o.ID, err)
	}
	o.Products, o.Regions = nilIfEmpty(o.Products), nilIfEmpty(o.Regions)
	return o, nil
}

const pgForeignKeyViolation = "23503"

// pgErrCode is the SQLSTATE of a server error, or "".
func pgErrCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func (s *postgresStore) SessionStore() scs.Store { return s.sessions }

func (s *postgresStore) Ping(ctx context.Context) error {
	return wrapErr(ctx, "ping", s.pool.Ping(ctx))
}

func (s *postgresStore) Close() error {
	s.stop.Do(s.sessions.StopCleanup)
	s.pool.Close()
	return nil
}
