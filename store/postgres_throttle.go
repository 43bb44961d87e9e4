package store

import (
	"context"
	"time"
)

func (s *postgresStore) ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	var until *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(blocked_until) FROM sign_in_throttle WHERE key = ANY($1)`,
		keys).Scan(&until)
	if err != nil || until == nil {
		return 0, wrapErr(ctx, "throttle wait", err)
	}
	return max(until.Sub(now), 0), nil
}

// ThrottleFail runs each statement on its own, without a transaction: the upsert
// counts atomically under the row's lock, and blocked_until only ever grows
// (greatest), so instances interleaving their statements lose nothing, and no
// transaction holds two keys' locks to deadlock on.
func (s *postgresStore) ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(int) time.Duration) error {
	quiet := now.Add(-ThrottleForgetAfter)
	// SKIP LOCKED: instances sweeping at once share the work rather than wait on, or
	// deadlock with, each other.
	if _, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key IN (
		SELECT key FROM sign_in_throttle WHERE last_failure < $1 AND blocked_until <= $2
		LIMIT $3 FOR UPDATE SKIP LOCKED)`,
		quiet, now, throttleSweep); err != nil {
		return wrapErr(ctx, "throttle sweep", err)
	}
	for _, k := range keys {
		var failures int
		if err := s.pool.QueryRow(ctx, `INSERT INTO sign_in_throttle AS t (key, failures, last_failure, blocked_until)
			VALUES ($1, 1, $2, $2)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN t.last_failure < $3 AND t.blocked_until <= excluded.last_failure
					THEN 1 ELSE t.failures + 1 END,
				last_failure = greatest(t.last_failure, excluded.last_failure)
			RETURNING failures`, k, now, quiet).Scan(&failures); err != nil {
			return wrapErr(ctx, "throttle fail", err)
		}
		until := now.Add(max(waitAfter(failures), 0))
		if _, err := s.pool.Exec(ctx, `UPDATE sign_in_throttle SET blocked_until = greatest(blocked_until, $1)
			WHERE key = $2`, until, k); err != nil {
			return wrapErr(ctx, "throttle fail", err)
		}
	}
	return nil
}

func (s *postgresStore) ThrottleClear(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = $1`, key)
	return wrapErr(ctx, "throttle clear", err)
}
