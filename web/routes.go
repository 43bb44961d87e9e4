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
	r.Get("/readyz", s.h.Ready)

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
		// For signed-in reps only: 401 without a rep, 403 for a disabled one.
		r.With(s.loadAndSave, s.h.RequireRep).Get("/orders", s.h.OrdersAPI)
	})

	// The purchase flow: a browser session (kept in the database) and protection
	// against cross-site form posts.
	r.Group(func(r chi.Router) {
		r.Use(s.loadAndSave, s.crossOriginProtection())
		r.Get("/purchase/{product}", s.h.PurchaseReview)
		r.Post("/orders", s.h.PlaceOrder)
		r.Get("/orders", s.h.MyOrders)
		r.Get("/orders/{id}", s.h.OrderDetail)
		r.Post("/orders/{id}/link", s.h.NewOrderLink)
		// A quote a rep shared: anyone with the unguessable link, no sign-in.
		r.Get("/s/{token}", s.h.SharedQuote)
		r.Get("/s/{token}/purchase", s.h.SharePurchase)
	})

	// Sales reps: signing in and out, then the pages only a signed-in rep reaches.
	r.Group(func(r chi.Router) {
		r.Use(s.loadAndSave, s.crossOriginProtection())
		r.Get("/signin", s.h.SignInPage)
		r.Post("/signin", s.h.SignIn)
		r.Post("/signout", s.h.SignOut)
		// The builder's form: sent by a rep signed out since, it comes back as typed.
		r.With(s.h.RequireRepToSave).Post("/quotes/new", s.h.PostQuote)
		r.With(s.h.RequireRepToSave).Post("/quotes/{id}", s.h.PostQuote)
		r.Group(func(r chi.Router) {
			r.Use(s.h.RequireRep)
			r.Get("/desk", s.h.Desk)
			r.Get("/desk/orders/{id}", s.h.DeskOrder)
			r.Post("/desk/orders/{id}/status", s.h.SetOrderStatus)
			r.Get("/desk/orders/{id}/status", s.h.DeskOrderStatusPage)
			r.Get("/quotes", s.h.QuoteList)
			r.Get("/quotes/new", s.h.NewQuote)
			r.Get("/quotes/preview", s.h.QuotePreview)
			r.Get("/quotes/{id}", s.h.EditQuote)
			r.Post("/quotes/{id}/shares", s.h.CreateShare)
			r.Post("/quotes/{id}/shares/{token}/revoke", s.h.RevokeShare)
			r.Get("/quotes/{id}/v/{version}", s.h.QuoteVersionPage)
			r.Get("/quotes/{id}/v/{version}/export.csv", s.h.QuoteCSV)
			r.Get("/quotes/{id}/v/{version}/export.json", s.h.QuoteJSON)
			r.Get("/quotes/{id}/v/{version}/print", s.h.QuotePrint)
		})
	})

	return r
}
