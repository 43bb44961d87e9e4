package handlers

import (
	"context"
	"net/http"
	"time"
)

// Health answers 200 "ok" while the process serves requests. It checks nothing else,
// so that a slow database never makes the process look dead; readiness is Ready's.
func (h *Handlers) Health(w http.ResponseWriter, r *http.Request) {
	plain(w, http.StatusOK, "ok")
}

// Pinger is the database as readiness needs it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Ready answers 200 when the console is ready for traffic: the database answers (its
// migrations were applied when it was opened, before serving), a price book is loaded,
// and the process is not draining. Otherwise 503 with the reason, for a load balancer.
// It does not write: a database that answers but cannot be written (a full disk) is
// ready, and its orders answer 503 on their own.
func (h *Handlers) Ready(w http.ResponseWriter, r *http.Request) {
	switch {
	case h.draining.Load():
		plain(w, http.StatusServiceUnavailable, "draining: the console is stopping")
		return
	case h.bk() == nil:
		plain(w, http.StatusServiceUnavailable, "no price book loaded")
		return
	}
	if h.db != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := h.db.Ping(ctx); err != nil {
			h.logger(r).Warn("not ready: database", "err", err)
			plain(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
	}
	plain(w, http.StatusOK, "ready")
}

// Drain makes Ready answer 503 from now on: the process is about to stop, and a load
// balancer should move traffic away while it still serves.
func (h *Handlers) Drain() { h.draining.Store(true) }

func plain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
