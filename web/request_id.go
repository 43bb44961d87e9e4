package web

import (
	"crypto/rand"
	"net/http"

	"kmsconsole/handlers"
)

const requestIDHeader = "X-Request-Id"

// requestID gives each request an ID, echoes it in the response, and puts a logger
// carrying it into the context, so every log line of a request can be found by it.
// An ID from a proxy in front is kept when it looks like one; anything else from the
// client is replaced, so a client cannot write arbitrary text into our logs.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(requestIDHeader, id)
		ctx := handlers.WithRequest(r.Context(), id, s.log.With("request_id", id))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':' || c == '/'
		if !ok {
			return false
		}
	}
	return true
}
