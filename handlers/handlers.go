package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"

	"kmsconsole/internal/clientip"
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
	Throttle Throttle         // failed sign-ins, shared by every instance (the store)
	Metrics  Recorder         // what operators watch; nil records nothing
	// SecureCookies marks the console's own cookies Secure (served over HTTPS).
	SecureCookies bool
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client
	// that the sign-in throttle counts failures by; none: the connection's peer.
	TrustedProxies clientip.Proxies
}

// Recorder counts the events operators watch (*metrics.Metrics in the console).
type Recorder interface {
	QuoteComputed(source string, ok bool)
	OrderPlaced(product string)
	OrderFailed(product, reason string)
}

type noRecorder struct{}

func (noRecorder) QuoteComputed(string, bool) {}
func (noRecorder) OrderPlaced(string)         {}
func (noRecorder) OrderFailed(string, string) {}

// Handlers serves the console's pages. The zero value is not usable: call New.
type Handlers struct {
	log      *slog.Logger
	assets   views.AssetPaths
	book     atomic.Pointer[pricing.Book] // swapped whole when the operator reloads prices
	orders   Orders
	reps     Reps
	quotes   Quotes
	sessions RepSessions
	throttle Throttle
	db       Pinger
	draining atomic.Bool
	metrics  Recorder
	secure   bool
	proxies  clientip.Proxies
}

// New returns the handlers built on d.
func New(d Deps) *Handlers {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handlers{log: log, assets: d.Assets, orders: d.Orders, reps: d.Reps, quotes: d.Quotes, db: d.DB,
		sessions: d.Sessions, throttle: d.Throttle}
	h.metrics, h.secure, h.proxies = d.Metrics, d.SecureCookies, d.TrustedProxies
	if h.metrics == nil {
		h.metrics = noRecorder{}
	}
	h.book.Store(d.Book)
	return h
}

// bk is the price book in force. A handler computes each quote with the one book it
// read (Compute takes it whole), so a swap never mixes two books in one quote, and
// the quote names the book it was priced with.
func (h *Handlers) bk() *pricing.Book { return h.book.Load() }

// compute prices req with book b, counting the quote for source.
func (h *Handlers) compute(source string, b *pricing.Book, req pricing.Request) (pricing.Quote, error) {
	q, err := pricing.Compute(b, req)
	h.metrics.QuoteComputed(source, err == nil)
	return q, err
}

// Book is the price book in force.
func (h *Handlers) Book() *pricing.Book { return h.bk() }

// SetBook puts a new, validated price book in force, atomically.
func (h *Handlers) SetBook(b *pricing.Book) { h.book.Store(b) }

// page fills what the layout needs for a page of r.
func (h *Handlers) page(r *http.Request, title, description string) views.Page {
	p := views.Page{Title: title, Description: description, Path: r.URL.Path, Assets: h.assets}
	if b := h.bk(); b != nil {
		p.PriceBook = b.Version + ", effective " + b.Effective
	}
	return p
}

// logger is the request-scoped logger (with the request ID) when web set one.
func (h *Handlers) logger(r *http.Request) *slog.Logger {
	return RequestLogger(r.Context(), h.log)
}
