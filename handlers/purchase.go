package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kmsconsole/pricing"
	"kmsconsole/store"
	"kmsconsole/views"
)

// Orders is what the purchase pages need of the store.
type Orders interface {
	PlaceOrder(ctx context.Context, o store.Order) (store.Order, bool, error)
	Order(ctx context.Context, id string) (store.Order, error)
	OrdersByOwner(ctx context.Context, owner string, limit int) ([]store.Order, error)
	PlacedOrderID(ctx context.Context, owner, key string) (string, error)
	NewViewKey(ctx context.Context, id, owner string) (string, error)
}

// Sessions is what the purchase pages need of the session manager (scs's
// *SessionManager has these methods).
type Sessions interface {
	GetString(ctx context.Context, key string) string
	Put(ctx context.Context, key string, val any)
	PopString(ctx context.Context, key string) string
}

// ownerKey holds, in the session, the opaque key under which this browser's orders
// are stored: it is not the session token, which changes when renewed.
const ownerKey = "owner"

// purchasable maps a product of the estimators to its form fields.
var purchasable = map[string][]string{pricing.ProductSSM: ssmFields, pricing.ProductKMS: kmsFields}

// estimatorOnly are the estimator's inputs that an order does not carry (sizing from
// needs, the old-billing comparison): the review's Back link keeps them, so that the
// estimate comes back as it was left.
var estimatorOnly = map[string][]string{
	pricing.ProductSSM: {"needs", "needs_secrets", "needs_qps", "compare", "api_calls", "api_calls_unit"},
}

// PurchaseReview shows the review page for the estimator inputs in the URL.
func (h *Handlers) PurchaseReview(w http.ResponseWriter, r *http.Request) {
	product := r.PathValue("product")
	if _, ok := purchasable[product]; !ok {
		h.NotFound(w, r)
		return
	}
	h.owner(r) // the session starts here, so that the order placed from it is its own
	h.showReview(w, r, h.review(r, product, r.URL.Query()))
}

// showReview renders a review page with its one-time token.
func (h *Handlers) showReview(w http.ResponseWriter, r *http.Request, v views.Review) {
	if v.Terms == nil {
		v.Token = newToken()
		h.render(w, r, http.StatusUnprocessableEntity, views.ReviewPage(v))
		return
	}
	// The same review (same inputs, same terms) gets the same token for this session:
	// the back button or a reload may fetch the page again, and posting it again must
	// end on the order already placed, not on a second one. Ordering the same again is
	// an explicit choice (?again=1).
	key := "review:" + reviewKey(v.Product, v.Hidden, v.Terms.Hash)
	v.Token = h.sessions.GetString(r.Context(), key)
	if again := r.URL.Query().Get("again") != ""; v.Token == "" || again {
		// Ordering again makes a new order, however often this page is loaded: the
		// last order placed from this review is named, so that a reload or Back to
		// this page does not order once more unawares.
		if v.Token != "" {
			if id := h.placedWith(r, v.Token); id != "" {
				h.sessions.Put(r.Context(), key+":placed", id)
			}
		}
		if again {
			v.PreviousID = h.sessions.GetString(r.Context(), key+":placed")
		}
		v.Token = newToken() // placed nothing yet: no need to ask
		h.sessions.Put(r.Context(), key, v.Token)
	} else if v.PlacedID = h.placedWith(r, v.Token); v.PlacedID != "" {
		v.Again = v.Again + "&again=1"
	}
	h.render(w, r, http.StatusOK, views.ReviewPage(v))
}

// placedWith is the order this session placed with a review's token, or "". It is
// asked of the orders themselves, so that placing an order writes nothing to the
// session; without an answer the page is still right, as posting it again is safe.
func (h *Handlers) placedWith(r *http.Request, token string) string {
	owner := h.sessions.GetString(r.Context(), ownerKey)
	if owner == "" {
		return ""
	}
	id, err := h.orders.PlacedOrderID(r.Context(), owner, token)
	if err != nil {
		h.logger(r).Warn("review: placed order not looked up", "err", err)
	}
	return id
}

// reviewKey names a review in the session: its product, inputs and terms.
func reviewKey(product string, hidden []views.Option, termsHash string) string {
	h := sha256.New()
	h.Write([]byte(product))
	for _, f := range hidden {
		h.Write([]byte{0})
		h.Write([]byte(f.Value + "=" + f.Label))
	}
	h.Write([]byte{0})
	h.Write([]byte(termsHash))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// placedCookie says, for one look at the confirmation page, which order was just
// placed: a cookie rather than the session, so that placing an order costs one
// database write, the order's.
const placedCookie = "console_placed"

// resentCookie says, likewise, which order a review form sent again with other buyer
// details ended on (the details were not used).
const resentCookie = "console_resent"

// relinkedCookie says, likewise, which order's private link was just made anew.
const relinkedCookie = "console_relinked"

// setOnce sets one of those cookies to an order ID (or clears it, maxAge -1).
func setOnce(w http.ResponseWriter, r *http.Request, secure bool, name, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure || r.TLS != nil})
}

// review prices the inputs again and fills the review page, without the buyer's part.
func (h *Handlers) review(r *http.Request, product string, in url.Values) views.Review {
	var f form
	var item pricing.Item
	var problem string
	if product == pricing.ProductSSM {
		f = h.ssmForm(in)
		if in.Get("needs") != "" {
			// Sized as the estimate was: the credentials typed do not count.
			var sized bool
			if f, _, sized = h.sizeFromNeeds(f, map[string]string{}); !sized {
				problem = "the needs cannot be sized"
			}
		}
		item = f.ssmItem()
	} else {
		f = h.kmsForm(in)
		var priced form
		priced, _, problem = kmsMonthlyCalls(f)
		item = priced.item(pricing.ProductKMS, nil)
	}
	back := url.Values{}
	v := views.Review{
		Page:    h.page(r, "Review your order", ""),
		Product: product,
		Account: views.Field{Name: "account_id", Label: "Account ID", Hint: "Your Tencent Cloud account ID (UIN): digits only."},
		Name:    views.Field{Name: "contact_name", Label: "Contact name"},
		Email:   views.Field{Name: "contact_email", Label: "Contact email"},
		Accept:  views.Field{Name: "accept_terms", Label: "I accept the pricing terms"},
	}
	for _, name := range purchasable[product] {
		v.Hidden = append(v.Hidden, views.Option{Value: name, Label: f.value(name)})
		back.Set(name, f.value(name))
	}
	v.Again = "/purchase/" + product + "?" + back.Encode()
	for _, name := range estimatorOnly[product] {
		if s := in.Get(name); s != "" {
			back.Set(name, s)
			v.Keep = append(v.Keep, views.Option{Value: name, Label: s})
		}
	}
	v.Back = "/" + product + "?" + back.Encode()

	q, err := h.compute("purchase", h.bk(), pricing.Request{Items: []pricing.Item{item}})
	switch {
	case err != nil || problem != "":
		v.Quote = views.QuoteView{Title: "Your quote", Empty: "This estimate has problems, so it cannot be ordered: go back to the estimate and correct it."}
	case !q.Orderable:
		v.Quote = views.QuoteView{Title: "Your quote", Empty: "Nothing in this estimate can be ordered."}
	default:
		v.Quote = views.QuoteView{Title: "Your quote", Quote: &q, OfferKMS: true}
		t := pricing.TermsFor(q)
		v.Terms = &t
	}
	return v
}

// PlaceOrder records the order of the review form: only with the terms accepted and
// the buyer's fields valid, priced again on the server, exactly once per token.
func (h *Handlers) PlaceOrder(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.TooLarge(w, r)
			return
		}
		h.BadRequest(w, r)
		return
	}
	product := r.PostForm.Get("product")
	var v views.Review
	var link orderLink
	switch _, ok := purchasable[product]; {
	case ok:
		v = h.review(r, product, r.PostForm)
	case product == "share":
		s, ver, ok := h.share(w, r, r.PostForm.Get("share"))
		if !ok {
			return // a revoked link orders nothing
		}
		v = h.reviewShare(r, s, ver)
		link = orderLink{rep: s.CreatedBy, quoteID: s.QuoteID, version: s.Version}
	default:
		h.BadRequest(w, r)
		return
	}
	v.Token = r.PostForm.Get("token")
	v.Account.Value = strings.TrimSpace(r.PostForm.Get("account_id"))
	v.Name.Value = strings.TrimSpace(r.PostForm.Get("contact_name"))
	v.Email.Value = strings.TrimSpace(r.PostForm.Get("contact_email"))
	v.Accept.Value = r.PostForm.Get("accept_terms")
	if v.Terms == nil {
		h.metrics.OrderFailed(product, "invalid")
		h.refuseOrder(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if !validToken(v.Token) {
		h.metrics.OrderFailed(product, "invalid")
		// A form without its token did not come from our review page: give a new one.
		v.Token = newToken()
		v.Problem = "This form has expired. Check the order below and place it again."
		h.refuseOrder(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	v.Account.Error = accountIDProblem(v.Account.Value)
	v.Name.Error = contactNameProblem(v.Name.Value)
	v.Email.Error = emailProblem(v.Email.Value)
	if v.Accept.Value != "yes" {
		v.Accept.Error = "Tick the box to accept the pricing terms before placing the order."
	}
	if r.PostForm.Get("terms_hash") != v.Terms.Hash {
		// The price book changed since the page was shown (or the form was altered):
		// never order on terms the buyer has not seen.
		v.Problem = "The prices or terms changed since this page was opened. Review the quote and the terms below, then place the order again."
		v.Accept.Value = ""
	}
	if v.Account.Error != "" || v.Name.Error != "" || v.Email.Error != "" || v.Accept.Error != "" || v.Problem != "" {
		h.metrics.OrderFailed(product, "invalid")
		h.refuseOrder(w, r, http.StatusUnprocessableEntity, v)
		return
	}

	q := *v.Quote.Quote
	now := time.Now().UTC()
	order := store.Order{
		Owner:                 h.owner(r),
		Buyer:                 store.Buyer{AccountID: v.Account.Value, ContactName: v.Name.Value, ContactEmail: v.Email.Value},
		Quote:                 q,
		PriceBookVersion:      q.PriceBook.Version,
		TermsVersion:          v.Terms.Version,
		TermsHash:             v.Terms.Hash,
		TermsAcceptedAt:       now,
		QuotaIncreaseRequired: q.QuotaIncreaseRequired,
		MonthlyTotal:          q.Totals.Monthly,
		UpfrontTotal:          q.Totals.Upfront,
		IdempotencyKey:        v.Token,
		Rep:                   link.rep,
		QuoteID:               link.quoteID,
		QuoteVersion:          link.version,
	}
	for _, it := range q.Items {
		order.Products = append(order.Products, it.Product)
		order.Regions = append(order.Regions, it.Region)
	}
	placed, created, err := h.orders.PlaceOrder(r.Context(), order)
	switch {
	case errors.Is(err, store.ErrUnavailable):
		h.metrics.OrderFailed(product, "unavailable")
		h.logger(r).Warn("place order: database unavailable", "err", err)
		v.Problem = "Your order could not be recorded because the order database does not answer. Nothing was charged. Your details are kept below: place the order again in a moment."
		w.Header().Set("Retry-After", "5")
		h.refuseOrder(w, r, http.StatusServiceUnavailable, v)
		return
	case errors.Is(err, store.ErrIdempotencyConflict):
		h.metrics.OrderFailed(product, "conflict")
		v.Token = newToken()
		v.Problem = "This form was already used from another browser. Check the order below and place it again."
		h.refuseOrder(w, r, http.StatusConflict, v)
		return
	case err != nil:
		h.metrics.OrderFailed(product, "error")
		h.logger(r).Error("place order", "err", err)
		h.InternalError(w, r)
		return
	}
	if created {
		h.metrics.OrderPlaced(product)
		h.logger(r).Info("order placed", "order_id", placed.ID, "products", order.Products)
		setOnce(w, r, h.secure, placedCookie, placed.ID, 300)
	}
	// Post/redirect/get: a reload of the confirmation does not post again. A form
	// that placed its order already places nothing; when it came back with other
	// details, the order's page says they were not used.
	if !created && placed.Buyer != order.Buyer {
		setOnce(w, r, h.secure, resentCookie, placed.ID, 300)
	}
	http.Redirect(w, r, "/orders/"+placed.ID, http.StatusSeeOther)
}

// refuseOrder answers a review form that placed no order: the page again, its title
// saying so first, as a screen reader reads it.
func (h *Handlers) refuseOrder(w http.ResponseWriter, r *http.Request, status int, v views.Review) {
	v.Page.Title = "Error: " + v.Page.Title
	v.Page.Path = "" // posted to /orders, but not the My orders page
	h.render(w, r, status, views.ReviewPage(v))
}

// OrderDetail shows an order to the browser session that placed it, and to anyone
// with its private link; to anyone else it does not exist.
func (h *Handlers) OrderDetail(w http.ResponseWriter, r *http.Request) {
	o, err := h.orders.Order(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.orderNotHere(w, r)
		return
	case err != nil:
		h.storeError(w, r, "show order", err)
		return
	}
	// Its buyer's browser session, or anyone with its private link.
	owner := h.sessions.GetString(r.Context(), ownerKey)
	key := r.URL.Query().Get("key")
	byLink := o.ViewKey != "" && len(key) == len(o.ViewKey) && subtle.ConstantTimeCompare([]byte(key), []byte(o.ViewKey)) == 1
	mine := owner != "" && owner == o.Owner
	if !byLink && !mine {
		h.orderNotHere(w, r)
		return
	}
	// The page's address may hold the private link's key: neither its links nor its
	// assets pass the address on.
	w.Header().Set("Referrer-Policy", "no-referrer")
	justPlaced := false
	if c, err := r.Cookie(placedCookie); err == nil && c.Value == o.ID {
		justPlaced = true
		setOnce(w, r, h.secure, placedCookie, "", -1) // once
	}
	resentOther := false
	if c, err := r.Cookie(resentCookie); err == nil && c.Value == o.ID {
		resentOther = true
		setOnce(w, r, h.secure, resentCookie, "", -1)
	}
	relinked := false
	if c, err := r.Cookie(relinkedCookie); err == nil && c.Value == o.ID && mine {
		relinked = true
		setOnce(w, r, h.secure, relinkedCookie, "", -1)
	}
	title := "Order " + o.ID
	if justPlaced {
		title = "Order placed"
	}
	h.render(w, r, http.StatusOK, views.OrderPage(views.OrderView{
		Page:                  h.page(r, title, ""),
		JustPlaced:            justPlaced,
		ResentOther:           resentOther,
		Relinked:              relinked,
		PrivateLink:           privateLink(o),
		ByLink:                !mine,
		ID:                    o.ID,
		Status:                o.Status,
		Created:               o.CreatedAt,
		Account:               o.Buyer.AccountID,
		Name:                  o.Buyer.ContactName,
		Email:                 o.Buyer.ContactEmail,
		Quote:                 o.Quote,
		TermsVersion:          o.TermsVersion,
		TermsAcceptedAt:       o.TermsAcceptedAt,
		QuotaIncreaseRequired: o.QuotaIncreaseRequired,
	}))
}

// NewOrderLink gives an order a new private link, for the browser session that placed
// it: the old link opens the order no more, for when it reached someone it should not
// have. To anyone else the order does not exist.
func (h *Handlers) NewOrderLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	owner := h.sessions.GetString(r.Context(), ownerKey)
	if owner == "" {
		h.orderNotHere(w, r)
		return
	}
	if _, err := h.orders.NewViewKey(r.Context(), id, owner); errors.Is(err, store.ErrNotFound) {
		h.orderNotHere(w, r)
		return
	} else if err != nil {
		h.storeError(w, r, "new order link", err)
		return
	}
	setOnce(w, r, h.secure, relinkedCookie, id, 300)
	http.Redirect(w, r, "/orders/"+id, http.StatusSeeOther)
}

// orderNotHere answers an order's page asked without its rights, exactly as an order
// that does not exist is answered: a 404 that says where orders open.
func (h *Handlers) orderNotHere(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, views.OrderNotHerePage(h.page(r, "Order not found", "")))
}

// privateLink is the link that opens an order from any browser, or "" for an order
// placed before there were such links.
func privateLink(o store.Order) string {
	if o.ViewKey == "" {
		return ""
	}
	return "/orders/" + o.ID + "?key=" + o.ViewKey
}

// myOrdersShown is how many orders My orders lists, the most recent.
const myOrdersShown = 100

// MyOrders lists the orders placed from this browser session, newest first: the most
// recent myOrdersShown, saying so when there are more.
func (h *Handlers) MyOrders(w http.ResponseWriter, r *http.Request) {
	var rows []views.OrderRow
	more := false
	if owner := h.sessions.GetString(r.Context(), ownerKey); owner != "" {
		orders, err := h.orders.OrdersByOwner(r.Context(), owner, myOrdersShown+1)
		if err != nil {
			h.storeError(w, r, "list orders", err)
			return
		}
		if len(orders) > myOrdersShown {
			orders, more = orders[:myOrdersShown], true
		}
		for _, o := range orders {
			names := make([]string, len(o.Quote.Items))
			for i, it := range o.Quote.Items {
				names[i] = it.Name + " (" + it.RegionName + ")"
			}
			rows = append(rows, views.OrderRow{
				ID: o.ID, Created: o.CreatedAt, Status: o.Status, Products: strings.Join(names, ", "),
				Monthly: views.Money(o.MonthlyTotal) + " " + o.Quote.Currency, Upfront: views.Money(o.UpfrontTotal) + " " + o.Quote.Currency,
			})
		}
	}
	h.render(w, r, http.StatusOK, views.OrdersPage(h.page(r, "My orders", ""), rows, more))
}

// owner returns this session's owner key, making one on first use.
func (h *Handlers) owner(r *http.Request) string {
	owner := h.sessions.GetString(r.Context(), ownerKey)
	if owner == "" {
		owner = rand.Text()
		h.sessions.Put(r.Context(), ownerKey, owner)
	}
	return owner
}

// storeError answers 503 when the database is down, 500 for anything else.
func (h *Handlers) storeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	if errors.Is(err, store.ErrUnavailable) {
		h.logger(r).Warn(op+": database unavailable", "err", err)
		h.Unavailable(w, r)
		return
	}
	h.logger(r).Error(op, "err", err)
	h.InternalError(w, r)
}

// newToken is a review page's one-time token.
func newToken() string { return rand.Text() }

// validToken accepts what newToken makes: 26 characters of base32.
func validToken(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
