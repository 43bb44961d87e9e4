package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"kmsconsole/handlers"
)

// accessLog writes one line per request once it is answered. It logs the route
// pattern ("/orders/{id}"), which groups requests and carries no user data, and the
// path only for requests no route matched. It feeds the request metrics too, by the
// same pattern.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		// Deferred, so a request whose handler aborts with http.ErrAbortHandler is
		// still logged: as aborted, since the client got no whole answer, whatever
		// status had been set (net/http drops the connection).
		defer func() {
			aborted := recover()
			if aborted != nil {
				defer panic(aborted) // on to net/http, which drops the connection
			}
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // the handler wrote nothing: net/http sends 200
			}
			level := slog.LevelInfo
			if status >= 500 || aborted != nil {
				level = slog.LevelError
			}
			route := ""
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				route = rctx.RoutePattern()
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", time.Since(start)),
			}
			if route == "" {
				attrs = append(attrs, slog.String("path", r.URL.Path))
			}
			if aborted != nil {
				attrs = append(attrs, slog.Bool("aborted", true))
				if aborted != http.ErrAbortHandler {
					// A panic that recovery did not see (a bug in compression, the one
					// layer between the two): its value here, under the request ID, as
					// well as in net/http's log.
					attrs = append(attrs, slog.String("panic", fmt.Sprint(aborted)))
				}
			}
			switch {
			case s.metrics == nil:
			case aborted != nil:
				s.metrics.RequestAborted(r.Method, route, time.Since(start))
			default:
				s.metrics.Request(r.Method, route, status, time.Since(start))
			}
			handlers.RequestLogger(r.Context(), s.log).LogAttrs(r.Context(), level, "request", attrs...)
		}()
		next.ServeHTTP(ww, r)
	})
}
