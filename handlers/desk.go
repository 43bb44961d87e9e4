package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kmsconsole/pricing"
	"kmsconsole/store"
	"kmsconsole/views"
)

// deskPageSize is how many orders the desk lists a page.
const deskPageSize = 25

// Desk lists every order, newest first, paged, with filters and a search.
func (h *Handlers) Desk(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := views.Desk{Page: h.page(r, "Order desk", ""), Rep: rep(r).Email}
	f, page, problem, field := deskFilter(q)
	users, err := h.reps.ListUsers(r.Context())
	if err != nil {
		h.storeError(w, r, "list reps", err)
		return
	}
	v.Filters = h.deskFilters(q, users)
	if problem != "" {
		v.Problem = "No orders are listed: correct the highlighted date."
		for i := range v.Filters {
			if v.Filters[i].Name == field {
				v.Filters[i].Error = problem
			}
		}
	} else {
		orders, total, err := h.reps.ListOrders(r.Context(), f)
		if err == nil && len(orders) == 0 && total > 0 {
			// A page past the last (a bookmark, orders since cancelled from the
			// filter): the last page.
			page = lastPage(total, deskPageSize)
			f.Offset = (page - 1) * deskPageSize
			orders, total, err = h.reps.ListOrders(r.Context(), f)
		}
		if err != nil {
			h.storeError(w, r, "list orders", err)
			return
		}
		v.Total = total
		v.From = min(f.Offset+1, total)
		v.To = f.Offset + len(orders)
		names := map[string]string{}
		for _, u := range users {
			names[u.ID] = u.Email
		}
		for _, o := range orders {
			v.Rows = append(v.Rows, views.DeskRow{
				ID: o.ID, Created: o.CreatedAt, Account: o.Buyer.AccountID, Email: o.Buyer.ContactEmail,
				Products: strings.Join(distinct(o.Quote.Items, func(it pricing.QuotedItem) string { return it.Name }), ", "),
				Regions:  strings.Join(distinct(o.Quote.Items, func(it pricing.QuotedItem) string { return it.RegionName }), ", "),
				Monthly:  views.Money(o.MonthlyTotal), Upfront: views.Money(o.UpfrontTotal), Status: views.StatusLabel(o.Status),
				Rep: names[o.Rep],
			})
		}
		v.Query = q.Encode()
		v.Prev, v.Next = pageLinks("/desk", q, page, v.To < total)
	}
	h.render(w, r, http.StatusOK, views.DeskPage(v))
}

// distinct is each item's name (by name), in their order, once.
func distinct(items []pricing.QuotedItem, name func(pricing.QuotedItem) string) []string {
	var out []string
	for _, it := range items {
		if n := name(it); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// deskFilter reads the desk's filters from a query string: the filter, the page
// (from 1) and a problem with the dates, if any, with the field it is about.
func deskFilter(q url.Values) (f store.OrderFilter, page int, problem, field string) {
	f = store.OrderFilter{
		Status: q.Get("status"), Product: q.Get("product"), Region: q.Get("region"), Rep: q.Get("rep"),
		Search: strings.TrimSpace(q.Get("q")), Limit: deskPageSize,
	}
	day := func(name, label string) time.Time {
		s := strings.TrimSpace(q.Get(name))
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil && problem == "" {
			problem, field = label+" date "+strconv.Quote(s)+" is not a date: write it like 2026-11-25.", name
		}
		return t
	}
	f.From = day("from", "The From")
	if to := day("to", "The To"); !to.IsZero() {
		if !f.From.IsZero() && to.Before(f.From) && problem == "" {
			problem, field = "The To date is before the From date: no order can match.", "to"
		}
		f.To = to.AddDate(0, 0, 1) // the "to" day is included
	}
	page = pageAsked(q)
	f.Offset = (page - 1) * deskPageSize
	return f, page, problem, field
}

// maxListPage bounds the page asked for; a page past the last shows the last.
const maxListPage = 1_000_000

// pageAsked is the page of a list its query asks for: 1 when absent or not a page,
// at most maxListPage, so that no offset passes what an int holds.
func pageAsked(q url.Values) int {
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		return 1
	}
	return min(page, maxListPage)
}

// lastPage is the page holding the last of total rows, size a page: what a page
// past the last (a bookmark, rows gone since) shows.
func lastPage(total, size int) int { return (total + size - 1) / size }

// pageLinks are the links to the pages before and after page of the list at path,
// keeping its query; "" where there is none (more: rows follow this page).
func pageLinks(path string, q url.Values, page int, more bool) (prev, next string) {
	link := func(p int) string { return path + "?" + cloneWith(q, "page", strconv.Itoa(p)).Encode() }
	if page > 1 {
		prev = link(page - 1)
	}
	if more {
		next = link(page + 1)
	}
	return prev, next
}

// OrdersAPI is the order desk as JSON, for reps' scripts: the same filters as the
// desk's query string.
func (h *Handlers) OrdersAPI(w http.ResponseWriter, r *http.Request) {
	f, _, problem, field := deskFilter(r.URL.Query())
	if problem != "" {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Errors: []pricing.Problem{{Field: field, Message: problem}}})
		return
	}
	orders, total, err := h.reps.ListOrders(r.Context(), f)
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			writeAPIError(w, http.StatusServiceUnavailable, "the order database does not answer; try again")
			return
		}
		h.logger(r).Error("orders api", "err", err)
		writeAPIError(w, http.StatusInternalServerError, "the orders could not be listed")
		return
	}
	emails := map[string]string{}
	if users, err := h.reps.ListUsers(r.Context()); err == nil { // without them, the IDs alone
		for _, u := range users {
			emails[u.ID] = u.Email
		}
	}
	type row struct {
		ID           string   `json:"id"`
		CreatedAt    string   `json:"created_at"`
		Status       string   `json:"status"`
		Products     []string `json:"products"`
		Regions      []string `json:"regions"`
		Monthly      string   `json:"monthly"`
		Upfront      string   `json:"upfront"`
		AccountID    string   `json:"account_id"`
		ContactEmail string   `json:"contact_email"`
		Rep          string   `json:"rep,omitempty"`       // the rep's ID
		RepEmail     string   `json:"rep_email,omitempty"` // as the desk shows them
	}
	out := struct {
		Orders []row `json:"orders"`
		Total  int   `json:"total"`
	}{Orders: []row{}, Total: total}
	for _, o := range orders {
		out.Orders = append(out.Orders, row{o.ID, o.CreatedAt.Format(time.RFC3339), o.Status, o.Products, o.Regions,
			o.MonthlyTotal.StringFixed(2), o.UpfrontTotal.StringFixed(2), o.Buyer.AccountID, o.Buyer.ContactEmail, o.Rep, emails[o.Rep]})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handlers) deskFilters(q url.Values, users []store.User) []views.Field {
	sel := func(name, label string, opts []views.Option) views.Field {
		return views.Field{Name: name, Label: label, Value: q.Get(name), Options: append([]views.Option{{Value: "", Label: "Any"}}, opts...)}
	}
	var regions, reps []views.Option
	for _, r := range h.bk().Regions {
		regions = append(regions, views.Option{Value: r.ID, Label: r.Name})
	}
	for _, u := range users {
		reps = append(reps, views.Option{Value: u.ID, Label: u.Email})
	}
	return []views.Field{
		{Name: "q", Label: "Search", Value: q.Get("q"), Hint: "A whole order ID or account ID, or a contact email (capitals or not)"},
		sel("status", "Status", []views.Option{{Value: store.StatusSubmitted, Label: views.StatusLabel(store.StatusSubmitted)},
			{Value: store.StatusConfirmed, Label: views.StatusLabel(store.StatusConfirmed)},
			{Value: store.StatusCancelled, Label: views.StatusLabel(store.StatusCancelled)}}),
		sel("product", "Product", []views.Option{{Value: "ssm", Label: "Secrets Manager"}, {Value: "kms", Label: "Key Management Service"}}),
		sel("region", "Region", regions),
		sel("rep", "Rep", reps),
		{Name: "from", Label: "From (date)", Value: q.Get("from"), Hint: "like 2026-11-25"},
		{Name: "to", Label: "To (date)", Value: q.Get("to"), Hint: "included"},
	}
}

// DeskOrderStatusPage answers the address a refused status change was shown at, when
// it is opened again (a bookmark, a reload without resending): the order's page.
func (h *Handlers) DeskOrderStatusPage(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/desk/orders/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
}

// DeskOrder shows an order to a rep: its quote snapshot, the terms accepted, its
// audit log and, while it is submitted, the status change form.
func (h *Handlers) DeskOrder(w http.ResponseWriter, r *http.Request) {
	h.renderDeskOrder(w, r, http.StatusOK, "", "", "")
}

// deskQuery is the desk's query string an order's page was reached with (from=),
// re-encoded: it only ever follows "/desk?", so it can lead nowhere else.
func deskQuery(from string) string {
	q, err := url.ParseQuery(from)
	if err != nil {
		return ""
	}
	return q.Encode()
}

// maxReason is the longest reason for a status change, in characters.
const maxReason = 500

// renderDeskOrder shows an order to a rep, with a problem with the change over the
// page, one with the reason at its field, and the reason as typed.
func (h *Handlers) renderDeskOrder(w http.ResponseWriter, r *http.Request, status int, problem, reasonError, reason string) {
	o, err := h.reps.Order(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.NotFound(w, r)
		return
	} else if err != nil {
		h.storeError(w, r, "desk order", err)
		return
	}
	audit, err := h.reps.OrderAudit(r.Context(), o.ID)
	if err != nil {
		h.storeError(w, r, "order audit", err)
		return
	}
	users, err := h.reps.ListUsers(r.Context())
	if err != nil {
		h.storeError(w, r, "list reps", err)
		return
	}
	for i, a := range audit { // show reps by their email, not their ID
		for _, u := range users {
			if u.ID == a.Actor {
				audit[i].Actor = u.Email
			}
		}
	}
	var terms *pricing.Terms
	if t := pricing.TermsFor(o.Quote); t.Hash == o.TermsHash {
		terms = &t
	}
	from := r.URL.Query().Get("from")
	if r.Method == http.MethodPost {
		from = r.PostForm.Get("from")
	}
	title, done := "Order "+o.ID, r.URL.Query().Get("done")
	if done != "" && done == o.Status {
		title = "Order " + o.ID + " " + done // the page's title is what a screen reader says first
	}
	v := views.DeskOrder{
		Page: h.page(r, title, ""), Order: o, Audit: audit, Problem: problem, Terms: terms,
		Rep: rep(r).Email, Query: deskQuery(from), Done: done,
		Reason: views.Field{Name: "reason", Label: "Reason", Value: reason, Error: reasonError,
			Hint: "Recorded in the order's audit log; at most " + strconv.Itoa(maxReason) + " characters. Then choose Confirm or Cancel: Enter alone sends nothing."},
	}
	h.render(w, r, status, views.DeskOrderPage(v))
}

// SetOrderStatus confirms or cancels a submitted order, with the rep and the reason
// in the audit log.
func (h *Handlers) SetOrderStatus(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	to, reason := r.PostForm.Get("to"), strings.TrimSpace(r.PostForm.Get("reason"))
	if to != store.StatusConfirmed && to != store.StatusCancelled {
		h.BadRequest(w, r)
		return
	}
	if reason == "" {
		h.renderDeskOrder(w, r, http.StatusUnprocessableEntity, "", "Give a reason: it is recorded with the change.", "")
		return
	}
	if msg := tooLong(reason, maxReason); msg != "" {
		h.renderDeskOrder(w, r, http.StatusUnprocessableEntity, "", msg, reason)
		return
	}
	id := r.PathValue("id")
	back := url.Values{"done": {to}}
	if from := deskQuery(r.PostForm.Get("from")); from != "" {
		back.Set("from", from)
	}
	done := "/desk/orders/" + id + "?" + back.Encode()
	_, err := h.reps.SetOrderStatus(r.Context(), id, to, rep(r).ID, reason)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.NotFound(w, r)
	case errors.Is(err, store.ErrBadTransition):
		last, ok := h.lastChange(r, id)
		if ok && last.To == to && last.Actor == rep(r).ID && last.Reason == reason {
			// The same change sent twice (a double click): the first did it.
			http.Redirect(w, r, done, http.StatusSeeOther)
			return
		}
		msg := "This order is no longer submitted: its status is shown below."
		if ok {
			who := h.repEmail(r, last.Actor)
			if last.Actor == rep(r).ID {
				who = "You"
			}
			msg = who + " changed it to " + last.To + " at " + last.At.Format("2006-01-02 15:04 UTC") + ", so it is no longer submitted: its status is shown below."
		}
		h.renderDeskOrder(w, r, http.StatusConflict, msg, "", reason)
	case err != nil:
		h.storeError(w, r, "set order status", err)
	default:
		h.logger(r).Info("order status changed", "order_id", id, "to", to, "rep", rep(r).ID)
		http.Redirect(w, r, done, http.StatusSeeOther)
	}
}

// lastChange is the order's latest status change (false when none could be read).
func (h *Handlers) lastChange(r *http.Request, id string) (store.AuditEntry, bool) {
	audit, err := h.reps.OrderAudit(r.Context(), id)
	if err != nil || len(audit) == 0 {
		return store.AuditEntry{}, false
	}
	return audit[len(audit)-1], true
}
