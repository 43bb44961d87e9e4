package web

import (
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// middleware is the chain every request passes through, outermost first. The order
// matters:
//   - security headers and the request ID come first, so even a 500 or a 404 has them;
//   - the access log sits outside compression (it counts the bytes sent) and outside
//     panic recovery (it logs the 500 the recovery writes);
//   - recovery sits inside compression, so its error page is gzipped like any page;
//   - GetHead answers HEAD wherever GET is routed.
func (s *Server) middleware() []func(http.Handler) http.Handler {
	return []func(http.Handler) http.Handler{
		securityHeaders,
		s.requestID,
		s.accessLog,
		// JavaScript is listed under both its names: static serves text/javascript
		// (RFC 9239), other code may use the older one.
		middleware.Compress(5, "text/html", "text/css", "text/javascript",
			"application/javascript", "application/json", "image/svg+xml"),
		s.recoverPanics,
		s.limitBody,
		middleware.GetHead,
	}
}
