package handlers

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"

	"kmsconsole/pricing"
	"kmsconsole/store"
	"kmsconsole/views"
)

// savedVersion loads the version in the path (/quotes/{id}/v/{version}); false when
// the answer has been written (404 or an error page).
func (h *Handlers) savedVersion(w http.ResponseWriter, r *http.Request) (store.QuoteVersion, bool) {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		h.NotFound(w, r)
		return store.QuoteVersion{}, false
	}
	ver, err := h.quotes.QuoteVersionAt(r.Context(), r.PathValue("id"), n)
	if errors.Is(err, store.ErrNotFound) {
		h.NotFound(w, r)
		return ver, false
	} else if err != nil {
		h.storeError(w, r, "load quote version", err)
		return ver, false
	}
	return ver, true
}

// sharedView is a saved version as its pages show it; source names them for the
// quotes-computed metric ("share" for a share link's, "builder" for the rep's).
func (h *Handlers) sharedView(r *http.Request, ver store.QuoteVersion, source string) views.SharedQuote {
	v := views.SharedQuote{
		Page: h.page(r, ver.Name, ""), Name: ver.Name, Customer: ver.CustomerName, Account: ver.CustomerAccountID,
		Notes: ver.Notes, Version: ver.Version, Rep: h.repEmail(r, ver.SavedBy), Saved: ver.Quote, SavedAt: ver.SavedAt,
	}
	v.LeftOut, v.Ordered = h.ordered(ver, source)
	if today, err := h.compute(source, h.bk(), ver.Request); err == nil &&
		(today.PriceBook.Version != ver.Quote.PriceBook.Version || !today.Totals.Monthly.Equal(ver.Quote.Totals.Monthly) ||
			!today.Totals.Upfront.Equal(ver.Quote.Totals.Upfront)) {
		v.Today = &today
	}
	return v
}

// ordered is what an order of a saved version would be: how many of its lines it
// leaves out (old billing, never ordered), and the other lines priced today, as the
// order would price them (nil when none of them can be ordered today).
func (h *Handlers) ordered(ver store.QuoteVersion, source string) (int, *pricing.Quote) {
	orderable := orderableItems(ver.Request)
	n := len(ver.Request.Items) - len(orderable.Items)
	if len(orderable.Items) == 0 {
		return n, nil
	}
	q, err := h.compute(source, h.bk(), orderable)
	if err != nil || !q.Orderable {
		return n, nil
	}
	return n, &q
}

// QuoteVersionPage shows a saved version read-only, with its exports.
func (h *Handlers) QuoteVersionPage(w http.ResponseWriter, r *http.Request) {
	ver, ok := h.savedVersion(w, r)
	if !ok {
		return
	}
	v := h.sharedView(r, ver, "builder")
	v.Exports = "/quotes/" + ver.QuoteID + "/v/" + strconv.Itoa(ver.Version)
	v.SignedIn, v.QuoteID, v.Latest = rep(r).Email, ver.QuoteID, ver.Version
	if sq, err := h.quotes.SavedQuote(r.Context(), ver.QuoteID); err == nil {
		v.Latest = sq.Version
	}
	h.render(w, r, http.StatusOK, views.SharedQuotePage(v))
}

// QuotePrint lays a saved version out for paper, with its assumptions and the terms
// an order of it would be placed on: those of its orderable lines priced today, as
// its buyer would accept them.
func (h *Handlers) QuotePrint(w http.ResponseWriter, r *http.Request) {
	ver, ok := h.savedVersion(w, r)
	if !ok {
		return
	}
	v := h.sharedView(r, ver, "builder")
	v.Exports = "/quotes/" + ver.QuoteID + "/v/" + strconv.Itoa(ver.Version)
	var terms *pricing.Terms
	if v.Ordered != nil {
		t := pricing.TermsFor(*v.Ordered)
		terms = &t
	}
	h.render(w, r, http.StatusOK, views.PrintQuotePage(v, terms))
}

// QuoteJSON exports a saved version as the quote API answers it.
func (h *Handlers) QuoteJSON(w http.ResponseWriter, r *http.Request) {
	ver, ok := h.savedVersion(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(ver)+`.json"`)
	writeJSON(w, http.StatusOK, ver.Quote)
}

// QuoteCSV exports a saved version as CSV: one row per line, each subscription's
// up-front payment, then the totals, and what an order of it costs when it has lines
// that are never ordered. It starts with a byte order mark, by which spreadsheets
// read it as UTF-8 ("×", names in any script).
func (h *Handlers) QuoteCSV(w http.ResponseWriter, r *http.Request) {
	ver, ok := h.savedVersion(w, r)
	if !ok {
		return
	}
	q := ver.Quote
	rows := [][]string{{"item", "product", "region", "description", "quantity", "unit", "unit_price", "amount", "note"}}
	for i, it := range q.Items {
		for _, l := range it.Lines {
			rows = append(rows, []string{strconv.Itoa(i + 1), it.Product, it.Region, l.Description, l.Quantity.String(),
				l.Unit, l.UnitPrice.String(), l.Amount.StringFixed(2), l.Note})
		}
		if it.Upfront.IsPositive() {
			rows = append(rows, []string{strconv.Itoa(i + 1), it.Product, it.Region, "Paid up front for " + views.TermText(it),
				"", "", "", it.Upfront.StringFixed(2), ""})
		}
	}
	for _, l := range q.AccountLines {
		rows = append(rows, []string{"account", "", "", l.Description, l.Quantity.String(), l.Unit, l.UnitPrice.String(),
			l.Amount.StringFixed(2), l.Note})
	}
	rows = append(rows,
		[]string{"total", "", "", "Monthly total (" + q.Currency + ")", "", "", "", q.Totals.Monthly.StringFixed(2), ""},
		[]string{"total", "", "", "Up front (" + q.Currency + ")", "", "", "", q.Totals.Upfront.StringFixed(2), ""})
	if n, ordered := h.ordered(ver, "builder"); n > 0 && ordered != nil {
		// After a blank row: not more lines to add up, but what an order would total.
		const without = ", if ordered: without old billing, at today's prices ("
		rows = append(rows, make([]string, len(rows[0])),
			[]string{"ordered", "", "", "Monthly total" + without + ordered.Currency + ")", "", "", "", ordered.Totals.Monthly.StringFixed(2), ""},
			[]string{"ordered", "", "", "Up front" + without + ordered.Currency + ")", "", "", "", ordered.Totals.Upfront.StringFixed(2), ""})
	}
	for _, row := range rows { // a cell read as a formula by a spreadsheet is a known attack
		for i, c := range row {
			if c != "" && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@') && i == 3 {
				row[i] = "'" + c
			}
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(ver)+`.csv"`)
	cw := csv.NewWriter(w)
	_, _ = w.Write([]byte("\uFEFF"))
	_ = cw.WriteAll(rows) // a failed write is the client gone
}

func exportName(ver store.QuoteVersion) string {
	return ver.QuoteID + "-v" + strconv.Itoa(ver.Version)
}

// share loads a live share link and its version; false when the answer is written
// (a revoked or unknown token is 404, as if it never was).
func (h *Handlers) share(w http.ResponseWriter, r *http.Request, token string) (store.Share, store.QuoteVersion, bool) {
	s, err := h.quotes.ShareByToken(r.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, r, http.StatusNotFound, views.ShareGonePage(h.page(r, "Quote link no longer valid", "")))
		return s, store.QuoteVersion{}, false
	} else if err != nil {
		h.storeError(w, r, "load share", err)
		return s, store.QuoteVersion{}, false
	}
	ver, err := h.quotes.QuoteVersionAt(r.Context(), s.QuoteID, s.Version)
	if err != nil {
		h.storeError(w, r, "load shared version", err)
		return s, ver, false
	}
	return s, ver, true
}

// SharedQuote shows a shared quote to the customer, without signing in: as saved,
// and priced today when the price book changed since.
func (h *Handlers) SharedQuote(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	s, ver, ok := h.share(w, r, token)
	if !ok {
		return
	}
	v := h.sharedView(r, ver, "share")
	if s.CreatedBy != ver.SavedBy {
		// An order from the link is the sharing rep's: the page names them too.
		v.SharedBy = h.repEmail(r, s.CreatedBy)
	}
	if sq, err := h.quotes.SavedQuote(r.Context(), ver.QuoteID); err == nil && sq.Version > ver.Version {
		v.Newer = true
	}
	if v.Ordered != nil { // what the review page would order
		v.Purchase = "/s/" + token + "/purchase"
	}
	h.render(w, r, http.StatusOK, views.SharedQuotePage(v))
}

// orderableItems keeps the items that can be ordered (old billing never can).
func orderableItems(req pricing.Request) pricing.Request {
	var out pricing.Request
	for _, it := range req.Items {
		if it.Product != pricing.ProductLegacy {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

// orderLink is what an order from a share link records of it.
type orderLink struct {
	rep, quoteID string
	version      int
}

// reviewShare fills the review page of a shared quote: its orderable items, priced by
// the price book in force.
func (h *Handlers) reviewShare(r *http.Request, s store.Share, ver store.QuoteVersion) views.Review {
	v := views.Review{
		Page:    h.page(r, "Review your order", ""),
		Product: "share",
		Hidden:  []views.Option{{Value: "share", Label: s.Token}},
		Back:    "/s/" + s.Token,
		BackTo:  "the quote",
		Again:   "/s/" + s.Token + "/purchase?",
		Account: views.Field{Name: "account_id", Label: "Account ID", Value: ver.CustomerAccountID, Hint: "Your Tencent Cloud account ID (UIN): digits only."},
		Name:    views.Field{Name: "contact_name", Label: "Contact name"},
		Email:   views.Field{Name: "contact_email", Label: "Contact email"},
		Accept:  views.Field{Name: "accept_terms", Label: "I accept the pricing terms"},
	}
	q, err := h.compute("share", h.bk(), orderableItems(ver.Request))
	if err != nil || !q.Orderable {
		v.Quote = views.QuoteView{Title: "Your quote", Empty: "Nothing in this quote can be ordered today: ask your sales rep for a new one."}
		return v
	}
	v.Quote = views.QuoteView{Title: "Your quote, priced today", Quote: &q, OfferKMS: true}
	v.LeftOut = len(ver.Request.Items) - len(q.Items)
	t := pricing.TermsFor(q)
	v.Terms = &t
	return v
}

// SharePurchase opens the review page of a shared quote.
func (h *Handlers) SharePurchase(w http.ResponseWriter, r *http.Request) {
	s, ver, ok := h.share(w, r, r.PathValue("token"))
	if !ok {
		return
	}
	h.owner(r)
	h.showReview(w, r, h.reviewShare(r, s, ver))
}
