package web

import "net/http"

// limitBody caps request bodies at s.maxBody. A body that says it is too large is
// refused at once with 413. A body of unknown length is cut off by MaxBytesReader:
// reading past the limit fails with *http.MaxBytesError, which a handler that reads
// bodies must answer with handlers.TooLarge (r.ParseForm returns that error too).
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.maxBody {
			s.h.TooLarge(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		next.ServeHTTP(w, r)
	})
}
