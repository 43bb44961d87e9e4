package web

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionOptions are the choices of the session manager that the command line makes.
type SessionOptions struct {
	// Secure marks the cookie Secure, for a console served over TLS.
	Secure bool
	// Gob writes sessions in gob, the form of the consoles before the session codec,
	// so that such consoles can still read them during a rolling upgrade or after a
	// rollback. Sessions in either form are always read.
	Gob bool
	// Log hears of sessions that could not be read (nil: slog's default).
	Log *slog.Logger
}

// NewSessions is the session manager of the purchase pages, its data in store (the
// same database as the orders, so that sessions survive a restart and are shared by
// every instance).
func NewSessions(store scs.Store, o SessionOptions, onError func(http.ResponseWriter, *http.Request, error)) *scs.SessionManager {
	m := scs.New()
	m.Store = store
	m.Lifetime = 30 * 24 * time.Hour // "My orders" outlives a browser restart
	m.Codec = sessionCodec{gob: o.Gob, lifetime: m.Lifetime, log: cmp.Or(o.Log, slog.Default())}
	// No scs IdleTimeout: with one, scs saves every session on every request, an
	// fsynced write per page view. renewIdle keeps the idle limit instead.
	m.Cookie.Name = "console_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = o.Secure
	m.Cookie.Persist = true
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		onError(w, r, err)
		if one, ok := w.(*oneAnswer); ok {
			one.done = true
		}
	}
	return m
}

// loadAndSave is scs's LoadAndSave made to send one answer. When the session cannot
// be saved (the database is down, the disk full), scs calls the error function as the
// handler starts its answer, and then passes the handler's answer on as well: two
// pages in one body. The writer drops whatever follows the error page.
//
// Every answer behind a session is marked no-store: these pages show a buyer's or a
// rep's data, or carry a form with its one-time key, and neither the browser's cache
// (the back button on a shared computer) nor a proxy may keep a copy.
func (s *Server) loadAndSave(next http.Handler) http.Handler {
	inner := s.sessions.LoadAndSave(s.renewIdle(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		inner.ServeHTTP(&oneAnswer{ResponseWriter: w}, r)
	})
}

// oneAnswer passes writes on until the session error page has been written.
type oneAnswer struct {
	http.ResponseWriter
	done bool
}

func (o *oneAnswer) WriteHeader(status int) {
	if !o.done {
		o.ResponseWriter.WriteHeader(status)
	}
}

func (o *oneAnswer) Write(b []byte) (int, error) {
	if o.done {
		return len(b), nil // the handler's page, after the error page: dropped
	}
	return o.ResponseWriter.Write(b)
}

func (o *oneAnswer) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// A session unused for idleTimeout ends. Its last use is kept to the hour, so that a
// session is saved at most once an hour for that, not on every request.
const (
	idleTimeout = 7 * 24 * time.Hour
	idleRenew   = time.Hour
	seenKey     = "seen"
)

// renewIdle ends a session idle for longer than idleTimeout and records its use when
// the last record is over an hour old. A request without a session is left alone.
func (s *Server) renewIdle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if s.sessions.Token(ctx) != "" { // a stored session; no allocation for a visitor without one
			now := time.Now()
			var seen time.Time // kept as Unix seconds: gob stores an int64 as it is
			if unix := s.sessions.GetInt64(ctx, seenKey); unix != 0 {
				seen = time.Unix(unix, 0)
			}
			switch {
			case !seen.IsZero() && now.Sub(seen) > idleTimeout:
				if err := s.sessions.Destroy(ctx); err != nil {
					s.h.SessionError(w, r, err)
					return
				}
			case seen.IsZero() || now.Sub(seen) > idleRenew:
				s.sessions.Put(ctx, seenKey, now.Unix())
			}
		}
		next.ServeHTTP(w, r)
	})
}
