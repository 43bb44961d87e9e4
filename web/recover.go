package web

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/go-chi/chi/v5/middleware"

	"kmsconsole/handlers"
)

// recoverPanics turns a panic in a handler into the friendly 500 page, and logs the
// panic with its stack under the request ID that page shows. The user never sees the
// stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // net/http's own way to drop a response: let it through
			}
			handlers.RequestLogger(r.Context(), s.log).Error("panic serving request",
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if ww.Status() != 0 {
				// Part of a response is out: an error page now would corrupt it.
				// Abort, so the client sees a failed response, not a short one.
				panic(http.ErrAbortHandler)
			}
			s.h.InternalError(ww, r)
		}()
		next.ServeHTTP(ww, r)
	})
}
