package handlers

import "net/http"

// Health answers 200 "ok" while the process serves requests. It checks nothing else
// yet; when the store arrives, a readiness check belongs beside it, not in here, so
// that a slow database never makes the process look dead.
func (h *Handlers) Health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}
