package web

import (
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
)

// NewSessions is the session manager of the purchase pages, its data in store (the
// same database as the orders, so that sessions survive a restart and are shared by
// every instance). secure marks the cookie Secure, for a console served over TLS.
func NewSessions(store scs.Store, secure bool, onError func(http.ResponseWriter, *http.Request, error)) *scs.SessionManager {
	m := scs.New()
	m.Store = store
	m.Lifetime = 30 * 24 * time.Hour // "My orders" outlives a browser restart
	m.IdleTimeout = 7 * 24 * time.Hour
	m.Cookie.Name = "console_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = secure
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
func (s *Server) loadAndSave(next http.Handler) http.Handler {
	inner := s.sessions.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
