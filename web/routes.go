package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"kmsconsole/static"
)

// routes is the whole HTTP surface of the console, on one screen. testdata/routes.txt
// lists it too, and TestRoutesAreTheCommittedList fails until both agree, so a new
// route is a visible change in review.
func (s *Server) routes() *chi.Mux {
	r := chi.NewRouter()
	r.Use(s.middleware()...) // every request, including 404s and assets
	r.NotFound(s.h.NotFound)
	r.MethodNotAllowed(withAllowHeader(r, s.h.MethodNotAllowed))

	// Operations: for load balancers and monitors; plain text, no page.
	r.Get("/healthz", s.h.Health)

	// Assets, under content-hashed URLs (see package static).
	r.Get(static.Prefix+"*", s.assets.Handler(http.HandlerFunc(s.h.NotFound)).ServeHTTP)

	// Public pages: anyone, no session.
	r.Group(func(r chi.Router) {
		r.Get("/", s.h.Home)
		// The estimators: the page, and the live quote fragment its script fetches.
		r.Get("/ssm", s.h.SSMEstimator)
		r.Get("/ssm/quote", s.h.SSMQuote)
		r.Get("/kms", s.h.KMSEstimator)
		r.Get("/kms/quote", s.h.KMSQuote)
	})

	// The JSON API, for scripts and sales tools.
	r.Route("/api/v1", func(r chi.Router) {
		r.Post("/quotes", s.h.QuoteAPI)
		r.Get("/price-book", s.h.PriceBookAPI)
	})

	// Still to come, each a r.Group with its own middleware: the purchase flow
	// (session, CSRF) and the rep-only pages (session, role check).

	return r
}
