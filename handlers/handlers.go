package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"

	"kmsconsole/auth"
	"kmsconsole/pricing"
	"kmsconsole/views"
)

// Deps is what the handlers need from the rest of the program, built in main.
type Deps struct {
	Logger   *slog.Logger     // nil discards the logs
	Assets   views.AssetPaths // URLs of the static files, for the layout
	Book     *pricing.Book    // the price book in force
	Orders   Orders           // the order store
	Reps     Reps             // rep accounts and the order desk
	Quotes   Quotes           // the reps' saved quotes and share links
	DB       Pinger           // the database, for readiness
	Sessions RepSessions      // the browser sessions
}

// Handlers serves the console's pages. The zero value is not usable: call New.
type Handlers struct {
	log         *slog.Logger
	assets      views.AssetPaths
	book        *pricing.Book
	orders      Orders
	reps        Reps
	quotes      Quotes
	sessions    Sessions
	repSessions RepSessions
	throttle    *auth.Throttle
	db          Pinger
	draining    atomic.Bool
}

// New returns the handlers built on d.
func New(d Deps) *Handlers {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Handlers{log: log, assets: d.Assets, book: d.Book, orders: d.Orders, reps: d.Reps, quotes: d.Quotes, db: d.DB,
		sessions: d.Sessions, repSessions: d.Sessions, throttle: auth.NewThrottle()}
}

// page fills what the layout needs for a page of r.
func (h *Handlers) page(r *http.Request, title, description string) views.Page {
	p := views.Page{Title: title, Description: description, Path: r.URL.Path, Assets: h.assets}
	if h.book != nil {
		p.PriceBook = h.book.Version + ", effective " + h.book.Effective
	}
	return p
}

// logger is the request-scoped logger (with the request ID) when web set one.
func (h *Handlers) logger(r *http.Request) *slog.Logger {
	return RequestLogger(r.Context(), h.log)
}
