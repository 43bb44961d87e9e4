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
	m.ErrorFunc = onError
	return m
}
