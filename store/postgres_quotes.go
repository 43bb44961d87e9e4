package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const pgSelectQuote = `SELECT id, name, customer_name, customer_account_id, notes, rep,
	created_at, updated_at, version FROM quotes`

const pgVersionColumns = `quote_id, version, price_book_version, saved_by, saved_at,
	name, customer_name, customer_account_id, notes`

const pgSelectShare = `SELECT token, quote_id, version, created_by, created_at,
	revoked_at, coalesce(revoked_by, '') FROM quote_shares`

func (s *postgresStore) SaveQuote(ctx context.Context, id string, after int, v QuoteVersion) (SavedQuote, QuoteVersion, error) {
	save, err := prepareSave(id, v, time.Now())
	if err != nil {
		return SavedQuote{}, QuoteVersion{}, err
	}
	v = save.v
	q := save.newQuote
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if id == "" {
			tag, err := tx.Exec(ctx, `INSERT INTO quotes (id, name, customer_name, customer_account_id, notes,
				rep, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (id) DO NOTHING`,
				q.ID, v.Name, v.CustomerName, v.CustomerAccountID, v.Notes,
				q.Rep, q.CreatedAt, v.SavedAt, v.Version)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return ErrQuoteChanged // created from this form already
			}
		} else {
			// The UPDATE takes the quote's row lock: a concurrent save waits for this
			// one to commit, then re-reads the row (and its version, for after) and
			// takes the next number.
			var err error
			q, err = scanPgQuote(tx.QueryRow(ctx, `UPDATE quotes SET name = $1, customer_name = $2,
				customer_account_id = $3, notes = $4, updated_at = $5, version = version + 1
				WHERE id = $6 AND ($7::integer = 0 OR version = $7::integer)
				RETURNING id, name, customer_name, customer_account_id, notes, rep,
				created_at, updated_at, version`,
				v.Name, v.CustomerName, v.CustomerAccountID, v.Notes, v.SavedAt, id, after))
			if errors.Is(err, pgx.ErrNoRows) && after != 0 {
				// Either no such quote, or a version after the edit's.
				var exists bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM quotes WHERE id = $1)`, id).Scan(&exists); err != nil {
					return err
				}
				if exists {
					return ErrQuoteChanged
				}
			}
			if err != nil {
				return err
			}
			v.Version = q.Version
		}
		_, err := tx.Exec(ctx, `INSERT INTO quote_versions (`+pgVersionColumns+`, request, quote)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::json, $11::text::json)`,
			v.QuoteID, v.Version, v.PriceBookVersion, v.SavedBy, v.SavedAt,
			v.Name, v.CustomerName, v.CustomerAccountID, v.Notes, save.request, save.quote)
		return err
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return SavedQuote{}, QuoteVersion{}, ErrNotFound
	case errors.Is(err, ErrQuoteChanged):
		return SavedQuote{}, QuoteVersion{}, err
	case pgErrCode(err) == pgForeignKeyViolation:
		return SavedQuote{}, QuoteVersion{}, fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, v.SavedBy)
	case err != nil:
		return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
	}
	return saved(q, v), v, nil
}

func (s *postgresStore) SavedQuote(ctx context.Context, id string) (SavedQuote, error) {
	q, err := scanPgQuote(s.pool.QueryRow(ctx, pgSelectQuote+` WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return SavedQuote{}, ErrNotFound
	}
	return q, wrapErr(ctx, "saved quote", err)
}

func (s *postgresStore) QuoteVersionAt(ctx context.Context, id string, version int) (QuoteVersion, error) {
	var request, quote string
	v, err := scanPgVersion(s.pool.QueryRow(ctx, `SELECT `+pgVersionColumns+`, request::text, quote::text
		FROM quote_versions WHERE quote_id = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, id, version), &request, &quote)
	if errors.Is(err, pgx.ErrNoRows) {
		return QuoteVersion{}, ErrNotFound
	}
	if err != nil {
		return QuoteVersion{}, wrapErr(ctx, "quote version", err)
	}
	if err := decodeVersion(&v, request, quote); err != nil {
		return QuoteVersion{}, err
	}
	return v, nil
}

// QuoteVersions needs no transaction: every quote has a version, so no rows means
// no quote, and versions are only ever added.
func (s *postgresStore) QuoteVersions(ctx context.Context, id string) ([]QuoteVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pgVersionColumns+` FROM quote_versions
		WHERE quote_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, wrapErr(ctx, "quote versions", err)
	}
	defer rows.Close()
	var versions []QuoteVersion
	for rows.Next() {
		v, err := scanPgVersion(rows)
		if err != nil {
			return nil, wrapErr(ctx, "quote versions", err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr(ctx, "quote versions", err)
	}
	if len(versions) == 0 {
		return nil, ErrNotFound
	}
	return versions, nil
}

func (s *postgresStore) ListQuotes(ctx context.Context, search string, offset, limit int) ([]SavedQuote, int, error) {
	offset, limit = quotesPage(offset, limit)
	var (
		where string
		args  []any
	)
	// strpos, not LIKE or ILIKE: the search is a plain substring, so % and _ are
	// themselves.
	if search = strings.TrimSpace(search); search != "" {
		where = ` WHERE strpos(lower(name), lower($1)) > 0 OR strpos(lower(customer_name), lower($1)) > 0`
		args = append(args, search)
	}
	page := fmt.Sprintf(` ORDER BY updated_at DESC, seq DESC LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2)
	var (
		quotes []SavedQuote
		total  int
	)
	// REPEATABLE READ: the count and the page see the same snapshot.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM quotes`+where, args...).Scan(&total); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, pgSelectQuote+where+page, append(args, limit, offset)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				q, err := scanPgQuote(rows)
				if err != nil {
					return err
				}
				quotes = append(quotes, q)
			}
			return rows.Err()
		})
	if err != nil {
		return nil, 0, wrapErr(ctx, "list quotes", err)
	}
	return quotes, total, nil
}

func (s *postgresStore) CreateShare(ctx context.Context, quoteID string, version int, by string) (Share, error) {
	if err := checkUser(by, "a share link"); err != nil {
		return Share{}, err
	}
	sh := Share{Token: newToken(), QuoteID: quoteID, CreatedBy: by, CreatedAt: utcMicro(time.Now())}
	// One statement: the version is resolved and the link stored together, and a
	// version, once saved, is never removed.
	err := s.pool.QueryRow(ctx, `INSERT INTO quote_shares (token, quote_id, version, created_by, created_at)
		SELECT $1::text, quote_id, version, $2::text, $3::timestamptz FROM quote_versions
		WHERE quote_id = $4 AND ($5 = 0 OR version = $5)
		ORDER BY version DESC LIMIT 1
		RETURNING version`, sh.Token, sh.CreatedBy, sh.CreatedAt, quoteID, version).Scan(&sh.Version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return Share{}, ErrNotFound
	case pgErrCode(err) == pgForeignKeyViolation:
		return Share{}, fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, by)
	case err != nil:
		return Share{}, wrapErr(ctx, "create share", err)
	}
	return sh, nil
}

func (s *postgresStore) ShareByToken(ctx context.Context, token string) (Share, error) {
	sh, err := scanPgShare(s.pool.QueryRow(ctx, pgSelectShare+` WHERE token = $1 AND revoked_at IS NULL`, token))
	if errors.Is(err, pgx.ErrNoRows) {
		return Share{}, ErrNotFound
	}
	return sh, wrapErr(ctx, "share by token", err)
}

func (s *postgresStore) SharesOf(ctx context.Context, quoteID string) ([]Share, error) {
	var shares []Share
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var one int
			if err := tx.QueryRow(ctx, `SELECT 1 FROM quotes WHERE id = $1`, quoteID).Scan(&one); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, pgSelectShare+` WHERE quote_id = $1 ORDER BY created_at DESC, token DESC`, quoteID)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				sh, err := scanPgShare(rows)
				if err != nil {
					return err
				}
				shares = append(shares, sh)
			}
			return rows.Err()
		})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrapErr(ctx, "shares of", err)
	}
	return shares, nil
}

func (s *postgresStore) RevokeShare(ctx context.Context, token, by string) error {
	if err := checkUser(by, "revoking a share link"); err != nil {
		return err
	}
	// The first revocation stands: a second one updates nothing and still succeeds.
	var found bool
	err := s.pool.QueryRow(ctx, `WITH revoked AS (
			UPDATE quote_shares SET revoked_at = $1, revoked_by = $2
			WHERE token = $3 AND revoked_at IS NULL RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM revoked) OR EXISTS (SELECT 1 FROM quote_shares WHERE token = $3)`,
		utcMicro(time.Now()), by, token).Scan(&found)
	switch {
	case pgErrCode(err) == pgForeignKeyViolation:
		return fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, by)
	case err != nil:
		return wrapErr(ctx, "revoke share", err)
	case !found:
		return ErrNotFound
	}
	return nil
}

func scanPgQuote(row pgx.Row) (SavedQuote, error) {
	var q SavedQuote
	err := row.Scan(&q.ID, &q.Name, &q.CustomerName, &q.CustomerAccountID, &q.Notes, &q.Rep,
		&q.CreatedAt, &q.UpdatedAt, &q.Version)
	if err != nil {
		return SavedQuote{}, err
	}
	q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	return q, nil
}

// scanPgVersion scans pgVersionColumns and then into extra.
func scanPgVersion(row pgx.Row, extra ...any) (QuoteVersion, error) {
	var v QuoteVersion
	err := row.Scan(append([]any{&v.QuoteID, &v.Version, &v.PriceBookVersion, &v.SavedBy, &v.SavedAt,
		&v.Name, &v.CustomerName, &v.CustomerAccountID, &v.Notes}, extra...)...)
	if err != nil {
		return QuoteVersion{}, err
	}
	v.SavedAt = v.SavedAt.UTC()
	return v, nil
}

func scanPgShare(row pgx.Row) (Share, error) {
	var (
		sh        Share
		revokedAt *time.Time
	)
	if err := row.Scan(&sh.Token, &sh.QuoteID, &sh.Version, &sh.CreatedBy, &sh.CreatedAt, &revokedAt, &sh.RevokedBy); err != nil {
		return Share{}, err
	}
	sh.CreatedAt = sh.CreatedAt.UTC()
	if revokedAt != nil {
		sh.RevokedAt = revokedAt.UTC()
	}
	return sh, nil
}
