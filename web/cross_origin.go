package web

import "net/http"

// crossOriginProtection refuses state-changing requests sent by another site (Go's
// check of Sec-Fetch-Site and Origin), with the console's own 403 page.
func (s *Server) crossOriginProtection() func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.h.Forbidden))
	return cop.Handler
}
