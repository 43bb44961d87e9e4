package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
)

// withAllowHeader sets the Allow header that RFC 9110 requires on a 405, then calls
// next. chi gives a custom 405 handler no list of methods, so it is worked out here by
// asking the router which methods match the path.
func withAllowHeader(routes chi.Routes, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{
			http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
			http.MethodPatch, http.MethodDelete, http.MethodOptions,
		} {
			if routes.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allowed = append(allowed, m)
			}
		}
		// HEAD is served wherever GET is (middleware.GetHead).
		if slices.Contains(allowed, http.MethodGet) && !slices.Contains(allowed, http.MethodHead) {
			allowed = slices.Insert(allowed, 1, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		next(w, r)
	}
}
