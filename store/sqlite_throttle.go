package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// throttleSweep is how many quiet throttle records one ThrottleFail deletes at most:
// more than a failure adds, so the table shrinks back after an attack, and little
// enough that a failed sign-in never waits on a long delete.
const throttleSweep = 100

func (s *sqliteStore) ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	args := make([]any, len(keys))
	marks := make([]string, len(keys))
	for i, k := range keys {
		args[i], marks[i] = k, "$"+strconv.Itoa(i+1)
	}
	var until sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT max(blocked_until) FROM sign_in_throttle
		WHERE key IN (`+strings.Join(marks, ", ")+`)`, args...).Scan(&until)
	if err != nil || !until.Valid {
		return 0, wrapErr(ctx, "throttle wait", err)
	}
	t, err := time.Parse(sqliteTime, until.String)
	if err != nil {
		return 0, wrapErr(ctx, "throttle wait", err)
	}
	return max(t.Sub(now), 0), nil
}

// ThrottleFail writes in one transaction: one fsync for all the keys, and the single
// writer connection makes each upsert atomic.
func (s *sqliteStore) ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(int) time.Duration) error {
	at := now.UTC().Format(sqliteTime)
	quiet := now.Add(-ThrottleForgetAfter).UTC().Format(sqliteTime)
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(ctx, "throttle fail", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_throttle WHERE key IN (
		SELECT key FROM sign_in_throttle WHERE last_failure < $1 AND blocked_until <= $2 LIMIT $3)`,
		quiet, at, throttleSweep); err != nil {
		return wrapErr(ctx, "throttle sweep", err)
	}
	for _, k := range keys {
		var failures int
		if err := tx.QueryRowContext(ctx, `INSERT INTO sign_in_throttle (key, failures, last_failure, blocked_until)
			VALUES ($1, 1, $2, $2)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN sign_in_throttle.last_failure < $3 AND sign_in_throttle.blocked_until <= excluded.last_failure
					THEN 1 ELSE sign_in_throttle.failures + 1 END,
				last_failure = max(sign_in_throttle.last_failure, excluded.last_failure)
			RETURNING failures`, k, at, quiet).Scan(&failures); err != nil {
			return wrapErr(ctx, "throttle fail", err)
		}
		until := now.Add(max(waitAfter(failures), 0)).UTC().Format(sqliteTime)
		if _, err := tx.ExecContext(ctx, `UPDATE sign_in_throttle SET blocked_until = max(blocked_until, $1)
			WHERE key = $2`, until, k); err != nil {
			return wrapErr(ctx, "throttle fail", err)
		}
	}
	return wrapErr(ctx, "throttle fail", tx.Commit())
}

func (s *sqliteStore) ThrottleClear(ctx context.Context, key string) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM sign_in_throttle WHERE key = $1`, key)
	return wrapErr(ctx, "throttle clear", err)
}
