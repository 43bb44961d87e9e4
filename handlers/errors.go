package handlers

import (
	"net/http"
	"strings"

	"kmsconsole/views"
)

// NotFound answers 404 with the not-found page.
func (h *Handlers) NotFound(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeAPIError(w, http.StatusNotFound, "no such API endpoint")
		return
	}
	h.render(w, r, http.StatusNotFound, views.NotFoundPage(h.page(r, "Page not found", "")))
}

// MethodNotAllowed answers 405. The router sets the Allow header before calling it.
func (h *Handlers) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeAPIError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here")
		return
	}
	p := h.page(r, "Method not allowed", "")
	h.render(w, r, http.StatusMethodNotAllowed, views.MethodNotAllowedPage(p))
}

// TooLarge answers 413, for a request body over the limit web sets.
func (h *Handlers) TooLarge(w http.ResponseWriter, r *http.Request) {
	// The rest of the body is not read: close the connection rather than drain it.
	w.Header().Set("Connection", "close")
	if isAPI(r) {
		writeAPIError(w, http.StatusRequestEntityTooLarge, "the request body is over its size limit")
		return
	}
	h.render(w, r, http.StatusRequestEntityTooLarge, views.TooLargePage(h.page(r, "Request too large", "")))
}

// isAPI tells the JSON API's requests, which get their errors as JSON, from pages.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// BadRequest answers 400 for a form that no page of ours sends.
func (h *Handlers) BadRequest(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusBadRequest, views.BadRequestPage(h.page(r, "Bad request", "")))
}

// UnstorableText answers 400 to a request holding a NUL character or bytes that are
// not UTF-8: with the bad-request page, or with a JSON error on the API, whose
// clients read JSON whatever went wrong.
func (h *Handlers) UnstorableText(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeAPIError(w, http.StatusBadRequest, "the request holds a NUL character or bytes that are not UTF-8")
		return
	}
	h.BadRequest(w, r)
}

// Unavailable answers 503 when the order database does not answer.
func (h *Handlers) Unavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "5")
	if isAPI(r) {
		writeAPIError(w, http.StatusServiceUnavailable, "the order database does not answer; try again")
		return
	}
	h.render(w, r, http.StatusServiceUnavailable, views.UnavailablePage(h.page(r, "Orders unavailable", "")))
}

// Forbidden answers 403 to a cross-site form post.
func (h *Handlers) Forbidden(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusForbidden, views.ForbiddenPage(h.page(r, "Request refused", "")))
}

// SessionError answers a request whose session could not be loaded or saved: the
// session lives in the database, so this is the database failing.
func (h *Handlers) SessionError(w http.ResponseWriter, r *http.Request, err error) {
	h.logger(r).Warn("session store", "err", err)
	h.Unavailable(w, r)
}
