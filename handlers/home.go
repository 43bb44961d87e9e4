package handlers

import (
	"net/http"

	"kmsconsole/views"
)

// Home shows the landing page, which links to the estimators.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "", "")
	h.render(w, r, http.StatusOK, views.Home(p))
}
