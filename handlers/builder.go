package handlers

import (
	"bytes"
	"context"
	"encoding/json"
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

// Quotes is what the quote builder and the share links need of the store.
type Quotes interface {
	SaveQuote(ctx context.Context, id string, after int, v store.QuoteVersion) (store.SavedQuote, store.QuoteVersion, error)
	SavedQuote(ctx context.Context, id string) (store.SavedQuote, error)
	QuoteVersionAt(ctx context.Context, id string, version int) (store.QuoteVersion, error)
	QuoteVersions(ctx context.Context, id string) ([]store.QuoteVersion, error)
	ListQuotes(ctx context.Context, search string, offset, limit int) ([]store.SavedQuote, int, error)
	CreateShare(ctx context.Context, quoteID string, version int, by string) (store.Share, error)
	ShareByToken(ctx context.Context, token string) (store.Share, error)
	SharesOf(ctx context.Context, quoteID string) ([]store.Share, error)
	RevokeShare(ctx context.Context, token, by string) error
}

// quotesPageSize is how many quotes the list shows a page.
const quotesPageSize = 50

// QuoteList lists the saved quotes, the latest changed first, paged, searchable by
// name and customer.
func (h *Handlers) QuoteList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := strings.TrimSpace(q.Get("q"))
	page := pageAsked(q)
	offset := (page - 1) * quotesPageSize
	quotes, total, err := h.quotes.ListQuotes(r.Context(), search, offset, quotesPageSize)
	if err == nil && len(quotes) == 0 && total > 0 {
		// A page past the last (a bookmark, a narrower search): the last page.
		page = lastPage(total, quotesPageSize)
		offset = (page - 1) * quotesPageSize
		quotes, total, err = h.quotes.ListQuotes(r.Context(), search, offset, quotesPageSize)
	}
	if err != nil {
		h.storeError(w, r, "list quotes", err)
		return
	}
	v := views.Quotes{Page: h.page(r, "Quotes", ""), Rep: rep(r).Email, Search: search, Total: total,
		From: min(offset+1, total), To: offset + len(quotes)}
	for _, sq := range quotes {
		v.Rows = append(v.Rows, views.QuoteRow{ID: sq.ID, Name: sq.Name, Customer: sq.CustomerName, Version: sq.Version, Updated: sq.UpdatedAt})
	}
	v.Prev, v.Next = pageLinks("/quotes", q, page, v.To < total)
	h.render(w, r, http.StatusOK, views.QuotesPage(v))
}

// NewQuote opens the builder on one Secrets Manager line. The form carries the ID
// its quote will be saved under, so that it creates one quote however often it is
// sent (a double click, or Back and Save again).
func (h *Handlers) NewQuote(w http.ResponseWriter, r *http.Request) {
	v := h.builder(r, "", 0, meta{}, []builderLine{h.newLine(pricing.ProductSSM)})
	v.Draft = store.NewQuoteID()
	h.render(w, r, http.StatusOK, views.BuilderPage(v))
}

// EditQuote opens the builder on the latest version of a saved quote.
func (h *Handlers) EditQuote(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, ok := h.savedQuote(w, r, id)
	if !ok {
		return
	}
	ver, err := h.quotes.QuoteVersionAt(r.Context(), id, 0)
	if err != nil {
		h.storeError(w, r, "load quote version", err)
		return
	}
	m := meta{ver.Name, ver.CustomerName, ver.CustomerAccountID, ver.Notes}
	v := h.builder(r, id, ver.Version, m, linesOf(ver.Request))
	v.After = ver.Version
	v.Saved, _ = strconv.Atoi(r.URL.Query().Get("saved"))
	h.render(w, r, http.StatusOK, views.BuilderPage(v))
}

// meta is a quote's name, customer and notes.
type meta struct{ name, customer, account, notes string }

// metaOf reads a quote's name, customer and notes from the builder's form.
func metaOf(f url.Values) meta {
	return meta{strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("customer_name")),
		strings.TrimSpace(f.Get("customer_account_id")), strings.TrimSpace(f.Get("notes"))}
}

// PostQuote applies a builder action: add, remove or duplicate a line, update the
// totals, or save a new version.
func (h *Handlers) PostQuote(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	id := r.PathValue("id")
	version, after := 0, 0
	if id != "" {
		sq, ok := h.savedQuote(w, r, id)
		if !ok {
			return
		}
		version = sq.Version
		// The version the edit began from, kept by the form through its actions. A
		// form without it (a page served before it was sent) saves after the latest.
		after, _ = strconv.Atoi(r.PostForm.Get("after"))
	}
	f := r.PostForm
	m := metaOf(f)
	lines := readLines(f)
	draft := draftOf(id, f)
	action, arg, _ := strings.Cut(f.Get("action"), ":")
	n, _ := strconv.Atoi(arg)
	full := (action == "add" || action == "dup") && len(lines) >= pricing.MaxItems // refused: no room
	switch {
	case action == "add" && len(lines) < pricing.MaxItems:
		lines = append(lines, h.newLine(arg))
	case action == "remove" && n >= 0 && n < len(lines):
		lines = slices.Delete(lines, n, n+1)
	case action == "dup" && n >= 0 && n < len(lines) && len(lines) < pricing.MaxItems:
		c := builderLine{product: lines[n].product, values: map[string]string{}}
		for k, v := range lines[n].values {
			c.values[k] = v
		}
		lines = slices.Insert(lines, n+1, c)
	}
	v := h.builder(r, id, version, m, lines)
	v.After, v.Draft, v.Unsaved = after, draft, true // what the form sent, not what was saved
	// The page comes back with the focus where the action left the reader: on the
	// line it added, or the one that took the removed line's place.
	focus := -1
	switch {
	case full:
	case action == "add":
		focus = len(lines) - 1
	case action == "dup":
		focus = n + 1
	case action == "remove":
		focus = min(n, len(lines)-1)
	}
	if focus >= 0 && focus < len(v.Lines) && len(v.Lines[focus].Fields) > 0 && v.Problem == "" {
		v.Lines[focus].Fields[0].AutoFocus = true
	}
	if full && v.Problem == "" {
		v.Problem = "A quote holds at most " + strconv.Itoa(pricing.MaxItems) + " lines: no line was added. Remove one first, or start another quote."
	}
	if action != "save" {
		h.render(w, r, http.StatusOK, views.BuilderPage(v))
		return
	}
	if m.name == "" {
		v.Name.Error = "Give the quote a name."
	}
	if m.account != "" {
		v.Account.Error = accountIDProblem(m.account)
	}
	for _, f := range []*views.Field{&v.Name, &v.Customer, &v.Notes} {
		if f.Error == "" {
			f.Error = tooLong(f.Value, builderLimits[f.Name])
		}
	}
	if v.Quote.Quote == nil || v.Name.Error != "" || v.Account.Error != "" || v.Customer.Error != "" || v.Notes.Error != "" {
		if v.Problem == "" {
			v.Problem = "The quote was not saved: correct the highlighted fields."
		}
		v.Page.Title = "Error: " + v.Page.Title
		h.render(w, r, http.StatusUnprocessableEntity, views.BuilderPage(v))
		return
	}
	req := request(lines)
	qv := store.QuoteVersion{
		QuoteID: draft, Request: req, PriceBookVersion: v.Quote.Quote.PriceBook.Version, Quote: *v.Quote.Quote, SavedBy: rep(r).ID,
		Name: m.name, CustomerName: m.customer, CustomerAccountID: m.account, Notes: m.notes,
	}
	saved, ver, err := h.quotes.SaveQuote(r.Context(), id, after, qv)
	// A new quote's ID taken already: this form's quote was saved, and the save is one
	// more of it. An ID of another rep's quote came from elsewhere: the form saves a
	// quote of its own, under an ID made from that one and the rep's, so that it too
	// is saved once however often it is sent.
	for try := 0; errors.Is(err, store.ErrQuoteChanged) && id == "" && try < 2; try++ {
		sq, lookErr := h.quotes.SavedQuote(r.Context(), qv.QuoteID)
		if lookErr != nil {
			h.storeError(w, r, "look up new quote", lookErr)
			return
		}
		if sq.Rep == rep(r).ID {
			h.quoteChanged(w, r, qv.QuoteID, 0, m, lines, true)
			return
		}
		qv.QuoteID = ownQuoteID(qv.QuoteID, rep(r).ID)
		saved, ver, err = h.quotes.SaveQuote(r.Context(), "", 0, qv)
	}
	if errors.Is(err, store.ErrQuoteChanged) && id == "" {
		qv.QuoteID = "" // both IDs taken by others: a new one, as a form without an ID gets
		saved, ver, err = h.quotes.SaveQuote(r.Context(), "", 0, qv)
	}
	if errors.Is(err, store.ErrQuoteChanged) {
		h.quoteChanged(w, r, id, after, m, lines, false)
		return
	}
	if err != nil {
		h.storeError(w, r, "save quote", err)
		return
	}
	h.logger(r).Info("quote saved", "quote_id", saved.ID, "version", ver.Version, "rep", rep(r).ID)
	http.Redirect(w, r, "/quotes/"+saved.ID+"?saved="+strconv.Itoa(ver.Version), http.StatusSeeOther)
}

// ownQuoteID is the ID a rep's new-quote form saves under when its own ID names
// another rep's quote: the same for the same form and rep, and a well-formed ID.
func ownQuoteID(draft, repID string) string { return store.QuoteIDFrom(draft + "\x00" + repID) }

// draftOf is the ID a new quote's form is to be saved under: "" for a saved quote's
// form, or one without a well-formed ID (which saves under a new one).
func draftOf(id string, f url.Values) string {
	if d := f.Get("draft"); id == "" && store.IsQuoteID(d) {
		return d
	}
	return ""
}

// quoteChanged answers a save refused because another version was saved while the
// rep edited: their form comes back as they left it, now following the latest
// version, so that saving again (after comparing) keeps theirs on top of it. A save
// sent twice (a double click) finds its own first send as the latest version: that
// is not another's change, and the answer is the first send's.
func (h *Handlers) quoteChanged(w http.ResponseWriter, r *http.Request, id string, after int, m meta, lines []builderLine, fromNew bool) {
	sq, ok := h.savedQuote(w, r, id)
	if !ok {
		return
	}
	if latest, err := h.quotes.QuoteVersionAt(r.Context(), id, sq.Version); err == nil && latest.Version == after+1 &&
		latest.SavedBy == rep(r).ID && sameSave(latest, m, request(lines)) {
		http.Redirect(w, r, "/quotes/"+id+"?saved="+strconv.Itoa(latest.Version), http.StatusSeeOther)
		return
	}
	v := h.builder(r, id, sq.Version, m, lines)
	v.After, v.Unsaved = sq.Version, true
	v.Changed = views.VersionRow{Version: sq.Version, SavedBy: "Someone", SavedAt: sq.UpdatedAt}
	if len(v.Versions) > 0 && v.Versions[0].Version == sq.Version {
		v.Changed = v.Versions[0]
	}
	v.ChangedFrom, v.ChangedNew = min(after+1, sq.Version), fromNew
	v.Page.Title = "Not saved: " + v.Page.Title
	h.logger(r).Info("quote save refused: changed since the edit began", "quote_id", id, "after", after, "latest", sq.Version, "rep", rep(r).ID)
	h.render(w, r, http.StatusConflict, views.BuilderPage(v))
}

// builderSignedOut answers a builder form sent without a signed-in rep: the form as
// typed, priced from itself alone (nothing of the store is shown to a visitor without
// a rep), with nothing saved and a way to sign in again, in another tab, then save.
func (h *Handlers) builderSignedOut(w http.ResponseWriter, r *http.Request, status int) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	f := r.PostForm
	v := h.builder(r, "", 0, metaOf(f), readLines(f))
	v.Page.Title = "Quote not saved"
	v.Action, v.Unsaved, v.SignedOut = r.URL.Path, true, true
	v.After, _ = strconv.Atoi(f.Get("after"))
	v.Draft = draftOf(r.PathValue("id"), f)
	v.Problem = "You are signed out, so nothing was saved or changed. Sign in again in another tab, then choose Save version here: this page keeps what you typed."
	v.SignInLink = status == http.StatusUnauthorized
	if status == http.StatusForbidden {
		v.Problem = "Your account has been disabled, so nothing was saved or changed. Copy what you need from this page before leaving it."
	}
	h.render(w, r, status, views.BuilderPage(v))
}

// sameSave tells whether version v holds what a save of m and req would store.
func sameSave(v store.QuoteVersion, m meta, req pricing.Request) bool {
	if v.Name != m.name || v.CustomerName != m.customer || v.CustomerAccountID != m.account || v.Notes != m.notes {
		return false
	}
	saved, err1 := json.Marshal(v.Request)
	sent, err2 := json.Marshal(req)
	return err1 == nil && err2 == nil && bytes.Equal(saved, sent)
}

// builderLimits are the most characters each text field of a quote keeps: a quote's
// name and customer are shown in lists, its notes on the customer's page.
var builderLimits = map[string]int{"name": 200, "customer_name": 200, "notes": 2000}

// builder prices the lines and fills the builder page.
func (h *Handlers) builder(r *http.Request, id string, version int, m meta, lines []builderLine) views.Builder {
	q, err := h.compute("builder", h.bk(), request(lines))
	problems := problemsOf(err)
	v := views.Builder{
		Page:     h.page(r, "Quote builder", ""),
		Rep:      rep(r).Email,
		Action:   "/quotes/new",
		ID:       id,
		Version:  version,
		Book:     h.bk().Version,
		Name:     views.Field{Name: "name", Label: "Quote name", Value: m.name},
		Customer: views.Field{Name: "customer_name", Label: "Customer name", Value: m.customer},
		Account:  views.Field{Name: "customer_account_id", Label: "Customer account ID", Value: m.account, Hint: "Tencent Cloud account ID (UIN), if known"},
		Notes:    views.Field{Name: "notes", Label: "Notes", Value: m.notes, Hint: "Shown to the customer on the shared quote and its print view."},
		Lines:    h.lineViews(lines, problems),
		Quote:    quoteView("Quote", q, err),
	}
	if msg := problems["items"]; msg != "" {
		v.Problem = msg
		if len(lines) == 0 { // the engine's words are the API's, whose items are lines here
			v.Problem = "Add at least one line to price."
		}
	}
	if id == "" {
		return v
	}
	v.Action = "/quotes/" + id
	if versions, err := h.quotes.QuoteVersions(r.Context(), id); err == nil {
		for i, ver := range versions {
			// The list comes without the snapshots; the latest few are loaded for
			// their totals, older ones open from their own page.
			if i < 20 {
				if full, err := h.quotes.QuoteVersionAt(r.Context(), id, ver.Version); err == nil {
					ver = full
				}
			}
			v.Versions = append(v.Versions, views.VersionRow{Version: ver.Version, SavedBy: h.repEmail(r, ver.SavedBy),
				PriceBook: ver.PriceBookVersion, SavedAt: ver.SavedAt,
				Monthly: money(ver.Quote), Upfront: upfront(ver.Quote)})
		}
	}
	if shares, err := h.quotes.SharesOf(r.Context(), id); err == nil {
		for _, s := range shares {
			v.Shares = append(v.Shares, views.ShareRow{Token: s.Token, URL: "/s/" + s.Token, Version: s.Version,
				Created: s.CreatedAt, Revoked: !s.RevokedAt.IsZero()})
		}
	}
	return v
}

// repEmail names a rep by email (their ID when unknown).
func (h *Handlers) repEmail(r *http.Request, id string) string {
	if u, err := h.reps.UserByID(r.Context(), id); err == nil {
		return u.Email
	}
	return id
}

// CreateShare makes a share link of the version its button named (the latest, from a
// form that does not say).
func (h *Handlers) CreateShare(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	id := r.PathValue("id")
	sq, ok := h.savedQuote(w, r, id)
	if !ok {
		return
	}
	version := sq.Version
	if s := r.PostForm.Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > sq.Version {
			h.BadRequest(w, r) // not a version of this quote: nothing to share
			return
		}
		version = n
	}
	if !h.sharedJustNow(r, id, version) {
		if _, err := h.quotes.CreateShare(r.Context(), id, version, rep(r).ID); err != nil {
			h.storeError(w, r, "create share", err)
			return
		}
	}
	http.Redirect(w, r, "/quotes/"+id, http.StatusSeeOther)
}

// sharedJustNow tells whether this rep made a live link to the version in the last
// minute: the same form sent again (a retry of a send that seemed lost) makes no
// second link, which would be one more to know of and revoke.
func (h *Handlers) sharedJustNow(r *http.Request, id string, version int) bool {
	shares, err := h.quotes.SharesOf(r.Context(), id)
	if err != nil {
		return false // making another link is the safe side of not knowing
	}
	for _, s := range shares {
		if s.Version == version && s.CreatedBy == rep(r).ID && s.RevokedAt.IsZero() && time.Since(s.CreatedAt) < time.Minute {
			return true
		}
	}
	return false
}

// RevokeShare ends a share link: it answers 404 from then on.
func (h *Handlers) RevokeShare(w http.ResponseWriter, r *http.Request) {
	shares, err := h.quotes.SharesOf(r.Context(), r.PathValue("id"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.storeError(w, r, "list shares", err)
		return
	}
	// The token must be one of this quote's links: the URL names both.
	if !slices.ContainsFunc(shares, func(s store.Share) bool { return s.Token == r.PathValue("token") }) {
		h.NotFound(w, r)
		return
	}
	err = h.quotes.RevokeShare(r.Context(), r.PathValue("token"), rep(r).ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.storeError(w, r, "revoke share", err)
		return
	}
	http.Redirect(w, r, "/quotes/"+r.PathValue("id"), http.StatusSeeOther)
}

// QuotePreview is the builder's live quote, for the page's script: the lines in the
// query string, priced, with each field's message.
func (h *Handlers) QuotePreview(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.BuilderFragment(h.builder(r, "", 0, meta{}, readLines(r.URL.Query()))))
}

// savedQuote loads a quote; false when the answer has been written (404 or an error).
func (h *Handlers) savedQuote(w http.ResponseWriter, r *http.Request, id string) (store.SavedQuote, bool) {
	sq, err := h.quotes.SavedQuote(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.NotFound(w, r)
		return sq, false
	case err != nil:
		h.storeError(w, r, "load quote", err)
		return sq, false
	}
	return sq, true
}

// money and upfront show a version's totals, or a dash where they were not loaded.
func money(q pricing.Quote) string {
	if q.PriceBook.Version == "" {
		return "–"
	}
	return views.Money(q.Totals.Monthly)
}

func upfront(q pricing.Quote) string {
	if q.PriceBook.Version == "" {
		return "–"
	}
	return views.Money(q.Totals.Upfront)
}
