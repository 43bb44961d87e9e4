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
//   - the answer cache sits inside the access log (a kept answer is logged as any
//     other) and outside compression (it keeps answers as they were sent);
//   - recovery sits inside compression, so its error page is gzipped like any page;
//   - unstorable text (NUL, bytes that are not UTF-8) is refused after the body limit,
//     since it reads a form's body;
//   - GetHead answers HEAD wherever GET is routed.
func (s *Server) middleware() []func(http.Handler) http.Handler {
	return []func(http.Handler) http.Handler{
		securityHeaders,
		s.requestID,
		s.accessLog,
		s.keepAnswers, // the estimators' and the quote API's answers (answer_cache.go)
		compress,      // gzip, buffered whole with its length (compress.go)
		s.recoverPanics,
		s.limitBody,
		s.refuseUnstorableText,
		middleware.GetHead,
	}
}
