package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const sqliteSelectQuote = `SELECT id, name, customer_name, customer_account_id, notes, rep,
	created_at, updated_at, version FROM quotes`

const sqliteVersionColumns = `quote_id, version, price_book_version, saved_by, saved_at,
	name, customer_name, customer_account_id, notes`

const sqliteSelectShare = `SELECT token, quote_id, version, created_by, created_at,
	coalesce(revoked_at, ''), coalesce(revoked_by, '') FROM quote_shares`

func (s *sqliteStore) SaveQuote(ctx context.Context, id string, after int, v QuoteVersion) (SavedQuote, QuoteVersion, error) {
	save, err := prepareSave(id, v, time.Now())
	if err != nil {
		return SavedQuote{}, QuoteVersion{}, err
	}
	v = save.v
	// BEGIN IMMEDIATE on the one writer connection: saves are serialised, so reading
	// the latest version and writing the next cannot interleave.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
	}
	defer tx.Rollback()
	q := save.newQuote
	if id == "" {
		var res sql.Result
		res, err = tx.ExecContext(ctx, `INSERT INTO quotes (id, name, customer_name, customer_account_id, notes,
			rep, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO NOTHING`,
			q.ID, v.Name, v.CustomerName, v.CustomerAccountID, v.Notes,
			q.Rep, q.CreatedAt.Format(sqliteTime), v.SavedAt.Format(sqliteTime), v.Version)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return SavedQuote{}, QuoteVersion{}, ErrQuoteChanged // created from this form already
			}
		}
	} else {
		q, err = scanSQLiteQuote(tx.QueryRowContext(ctx, sqliteSelectQuote+` WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return SavedQuote{}, QuoteVersion{}, ErrNotFound
		}
		if err != nil {
			return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
		}
		if after != 0 && after != q.Version {
			return SavedQuote{}, QuoteVersion{}, ErrQuoteChanged
		}
		v.Version = q.Version + 1
		_, err = tx.ExecContext(ctx, `UPDATE quotes SET name = $1, customer_name = $2, customer_account_id = $3,
			notes = $4, updated_at = $5, version = $6 WHERE id = $7`,
			v.Name, v.CustomerName, v.CustomerAccountID, v.Notes, v.SavedAt.Format(sqliteTime), v.Version, id)
	}
	if isForeignKeyViolation(err) {
		return SavedQuote{}, QuoteVersion{}, fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, v.SavedBy)
	}
	if err != nil {
		return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO quote_versions (`+sqliteVersionColumns+`, request, quote)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		v.QuoteID, v.Version, v.PriceBookVersion, v.SavedBy, v.SavedAt.Format(sqliteTime),
		v.Name, v.CustomerName, v.CustomerAccountID, v.Notes, save.request, save.quote)
	if isForeignKeyViolation(err) {
		return SavedQuote{}, QuoteVersion{}, fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, v.SavedBy)
	}
	if err != nil {
		return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
	}
	if err := tx.Commit(); err != nil {
		return SavedQuote{}, QuoteVersion{}, wrapErr(ctx, "save quote", err)
	}
	return saved(q, v), v, nil
}

func (s *sqliteStore) SavedQuote(ctx context.Context, id string) (SavedQuote, error) {
	q, err := scanSQLiteQuote(s.reader.QueryRowContext(ctx, sqliteSelectQuote+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return SavedQuote{}, ErrNotFound
	}
	return q, wrapErr(ctx, "saved quote", err)
}

func (s *sqliteStore) QuoteVersionAt(ctx context.Context, id string, version int) (QuoteVersion, error) {
	var request, quote string
	v, err := scanSQLiteVersion(s.reader.QueryRowContext(ctx, `SELECT `+sqliteVersionColumns+`, request, quote
		FROM quote_versions WHERE quote_id = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, id, version), &request, &quote)
	if errors.Is(err, sql.ErrNoRows) {
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
func (s *sqliteStore) QuoteVersions(ctx context.Context, id string) ([]QuoteVersion, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+sqliteVersionColumns+` FROM quote_versions
		WHERE quote_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, wrapErr(ctx, "quote versions", err)
	}
	defer rows.Close()
	var versions []QuoteVersion
	for rows.Next() {
		v, err := scanSQLiteVersion(rows)
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

func (s *sqliteStore) ListQuotes(ctx context.Context, search string, offset, limit int) ([]SavedQuote, int, error) {
	offset, limit = quotesPage(offset, limit)
	var (
		where string
		args  []any
	)
	// instr, not LIKE: the search is a plain substring, so % and _ are themselves.
	// lower() folds ASCII letters only, on both sides alike.
	if search = strings.TrimSpace(search); search != "" {
		where = ` WHERE instr(lower(name), lower($1)) > 0 OR instr(lower(customer_name), lower($1)) > 0`
		args = append(args, search)
	}
	page := fmt.Sprintf(` ORDER BY updated_at DESC, seq DESC LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2)
	// One read transaction: the count and the page see the same snapshot.
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, wrapErr(ctx, "list quotes", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM quotes`+where, args...).Scan(&total); err != nil {
		return nil, 0, wrapErr(ctx, "list quotes", err)
	}
	rows, err := tx.QueryContext(ctx, sqliteSelectQuote+where+page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrapErr(ctx, "list quotes", err)
	}
	defer rows.Close()
	var quotes []SavedQuote
	for rows.Next() {
		q, err := scanSQLiteQuote(rows)
		if err != nil {
			return nil, 0, wrapErr(ctx, "list quotes", err)
		}
		quotes = append(quotes, q)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrapErr(ctx, "list quotes", err)
	}
	return quotes, total, nil
}

func (s *sqliteStore) CreateShare(ctx context.Context, quoteID string, version int, by string) (Share, error) {
	if err := checkUser(by, "a share link"); err != nil {
		return Share{}, err
	}
	sh := Share{Token: newToken(), QuoteID: quoteID, CreatedBy: by, CreatedAt: utcMicro(time.Now())}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Share{}, wrapErr(ctx, "create share", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT version FROM quote_versions WHERE quote_id = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, quoteID, version).Scan(&sh.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return Share{}, ErrNotFound
	}
	if err != nil {
		return Share{}, wrapErr(ctx, "create share", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO quote_shares (token, quote_id, version, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, sh.Token, sh.QuoteID, sh.Version, sh.CreatedBy, sh.CreatedAt.Format(sqliteTime))
	if isForeignKeyViolation(err) {
		return Share{}, fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, by)
	}
	if err != nil {
		return Share{}, wrapErr(ctx, "create share", err)
	}
	if err := tx.Commit(); err != nil {
		return Share{}, wrapErr(ctx, "create share", err)
	}
	return sh, nil
}

func (s *sqliteStore) ShareByToken(ctx context.Context, token string) (Share, error) {
	sh, err := scanSQLiteShare(s.reader.QueryRowContext(ctx, sqliteSelectShare+`
		WHERE token = $1 AND revoked_at IS NULL`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return Share{}, ErrNotFound
	}
	return sh, wrapErr(ctx, "share by token", err)
}

func (s *sqliteStore) SharesOf(ctx context.Context, quoteID string) ([]Share, error) {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr(ctx, "shares of", err)
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM quotes WHERE id = $1`, quoteID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrapErr(ctx, "shares of", err)
	}
	rows, err := tx.QueryContext(ctx, sqliteSelectShare+` WHERE quote_id = $1
		ORDER BY created_at DESC, rowid DESC`, quoteID)
	if err != nil {
		return nil, wrapErr(ctx, "shares of", err)
	}
	defer rows.Close()
	var shares []Share
	for rows.Next() {
		sh, err := scanSQLiteShare(rows)
		if err != nil {
			return nil, wrapErr(ctx, "shares of", err)
		}
		shares = append(shares, sh)
	}
	return shares, wrapErr(ctx, "shares of", rows.Err())
}

func (s *sqliteStore) RevokeShare(ctx context.Context, token, by string) error {
	if err := checkUser(by, "revoking a share link"); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(ctx, "revoke share", err)
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM quote_shares WHERE token = $1`, token).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return wrapErr(ctx, "revoke share", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE quote_shares SET revoked_at = $1, revoked_by = $2
		WHERE token = $3 AND revoked_at IS NULL`, utcMicro(time.Now()).Format(sqliteTime), by, token)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("%w: user %q does not exist", ErrInvalidQuote, by)
	}
	if err != nil {
		return wrapErr(ctx, "revoke share", err)
	}
	return wrapErr(ctx, "revoke share", tx.Commit())
}

func scanSQLiteQuote(row interface{ Scan(...any) error }) (SavedQuote, error) {
	var (
		q                    SavedQuote
		createdAt, updatedAt string
	)
	err := row.Scan(&q.ID, &q.Name, &q.CustomerName, &q.CustomerAccountID, &q.Notes, &q.Rep,
		&createdAt, &updatedAt, &q.Version)
	if err != nil {
		return SavedQuote{}, err
	}
	if q.CreatedAt, err = time.Parse(sqliteTime, createdAt); err != nil {
		return SavedQuote{}, fmt.Errorf("quote %s: created_at: %w", q.ID, err)
	}
	if q.UpdatedAt, err = time.Parse(sqliteTime, updatedAt); err != nil {
		return SavedQuote{}, fmt.Errorf("quote %s: updated_at: %w", q.ID, err)
	}
	return q, nil
}

// scanSQLiteVersion scans sqliteVersionColumns and then into extra.
func scanSQLiteVersion(row interface{ Scan(...any) error }, extra ...any) (QuoteVersion, error) {
	var (
		v       QuoteVersion
		savedAt string
	)
	err := row.Scan(append([]any{&v.QuoteID, &v.Version, &v.PriceBookVersion, &v.SavedBy, &savedAt,
		&v.Name, &v.CustomerName, &v.CustomerAccountID, &v.Notes}, extra...)...)
	if err != nil {
		return QuoteVersion{}, err
	}
	if v.SavedAt, err = time.Parse(sqliteTime, savedAt); err != nil {
		return QuoteVersion{}, fmt.Errorf("quote %s version %d: saved_at: %w", v.QuoteID, v.Version, err)
	}
	return v, nil
}

func scanSQLiteShare(row interface{ Scan(...any) error }) (Share, error) {
	var (
		sh                   Share
		createdAt, revokedAt string
	)
	err := row.Scan(&sh.Token, &sh.QuoteID, &sh.Version, &sh.CreatedBy, &createdAt, &revokedAt, &sh.RevokedBy)
	if err != nil {
		return Share{}, err
	}
	if sh.CreatedAt, err = time.Parse(sqliteTime, createdAt); err != nil {
		return Share{}, fmt.Errorf("share of quote %s: created_at: %w", sh.QuoteID, err)
	}
	if revokedAt != "" {
		if sh.RevokedAt, err = time.Parse(sqliteTime, revokedAt); err != nil {
			return Share{}, fmt.Errorf("share of quote %s: revoked_at: %w", sh.QuoteID, err)
		}
	}
	return sh, nil
}
