package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"kmsconsole/views"
)

// render writes c as an HTML response with status. It renders into a buffer first,
// so a component that fails half way never sends half a page: the client gets the 500
// page instead, and the error goes to the log.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	// Rendered in memory, the page needs no cancellation: net/http cancels the context
	// of a request whose body could not be read (a client too slow, or gone), and that
	// request still gets its page (400, say), not a 500 for "context canceled".
	if err := c.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		h.logger(r).Error("render page", "err", err)
		h.InternalError(w, r)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// InternalError answers 500 with the friendly error page and the request ID (JSON on
// the API). It says nothing of the cause: the caller logs that.
func (h *Handlers) InternalError(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeAPIError(w, http.StatusInternalServerError, "something went wrong; the request ID is "+RequestID(r.Context()))
		return
	}
	page := views.ServerErrorPage(h.page(r, "Something went wrong", ""), RequestID(r.Context()))
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	if err := page.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		// The error page itself failed: fall back to text, which cannot.
		h.logger(r).Error("render error page", "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	writeHTML(w, http.StatusInternalServerError, buf.Bytes())
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client went away; nothing to do
}
