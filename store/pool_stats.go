package store

import (
	"database/sql"
	"time"
)

// PoolStats is one connection pool's figures, for monitoring.
type PoolStats struct {
	Pool         string        // "writer" and "reader" for SQLite, "postgres" for PostgreSQL
	Max          int           // the most connections the pool opens
	Open         int           // connections open now, in use or idle
	InUse        int           // connections serving a query now
	Idle         int           // open connections waiting for work
	Waits        int64         // times a caller had to wait for a free connection, since start
	WaitDuration time.Duration // the time callers spent waiting, in all, since start
}

// PoolStats returns the figures of the SQLite store's two pools.
func (s *sqliteStore) PoolStats() []PoolStats {
	return []PoolStats{sqlPoolStats("writer", s.writer), sqlPoolStats("reader", s.reader)}
}

func sqlPoolStats(name string, db *sql.DB) PoolStats {
	st := db.Stats()
	return PoolStats{Pool: name, Max: st.MaxOpenConnections, Open: st.OpenConnections,
		InUse: st.InUse, Idle: st.Idle, Waits: st.WaitCount, WaitDuration: st.WaitDuration}
}

// PoolStats returns the figures of the PostgreSQL store's pool.
func (s *postgresStore) PoolStats() []PoolStats {
	st := s.pool.Stat()
	return []PoolStats{{Pool: "postgres", Max: int(st.MaxConns()), Open: int(st.TotalConns()),
		InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()),
		Waits: st.EmptyAcquireCount(), WaitDuration: st.EmptyAcquireWaitTime()}}
}
