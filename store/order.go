package store

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
)

// An order is placed submitted; a rep then confirms or cancels it, once.
const (
	// StatusSubmitted: the customer has placed the order and nobody has acted on it yet.
	StatusSubmitted = "submitted"
	// StatusConfirmed: a rep confirmed the order.
	StatusConfirmed = "confirmed"
	// StatusCancelled: a rep cancelled the order.
	StatusCancelled = "cancelled"
)

// Order is a placed purchase: who placed it, what they were quoted, the terms they
// accepted, and the token that makes placing it idempotent.
type Order struct {
	// ID, CreatedAt and Status are assigned by PlaceOrder.
	ID        string
	CreatedAt time.Time // UTC, microsecond precision
	Status    string

	// Owner is the opaque key of the browser session that placed the order.
	Owner string
	Buyer Buyer

	// Quote is the snapshot of the quote the customer accepted, kept as JSON.
	Quote            pricing.Quote
	PriceBookVersion string

	TermsVersion    string
	TermsHash       string
	TermsAcceptedAt time.Time // stored as UTC, microsecond precision

	QuotaIncreaseRequired bool

	// MonthlyTotal and UpfrontTotal are whole cents, at most 16 digits before the
	// point: NUMERIC(18,2). PlaceOrder refuses anything else rather than round it.
	MonthlyTotal decimal.Decimal
	UpfrontTotal decimal.Decimal

	// Products and Regions are kept for filtering; empty lists read back as nil.
	Products []string
	Regions  []string

	// IdempotencyKey is the review page's one-time token: an order is placed at most
	// once per key.
	IdempotencyKey string

	// ViewKey, assigned by PlaceOrder, is the secret of the order's private link,
	// with which its buyer opens it from another browser (256 random bits); "" for
	// an order placed before there were such links.
	ViewKey string

	// Rep is the ID of the sales rep whose shared quote led to the order, or empty
	// for a customer's own. It must name an existing user (else ErrInvalidOrder).
	Rep string

	// QuoteID and QuoteVersion are the saved quote version the order was placed
	// from (through a share link), or "" and 0. Both or neither; the version must
	// exist (else ErrInvalidOrder).
	QuoteID      string
	QuoteVersion int
}

// Buyer is who the order is for and whom to contact about it.
type Buyer struct {
	AccountID    string
	ContactName  string
	ContactEmail string
}

// ID prefixes make an ID recognisable in logs and URLs.
const (
	orderIDPrefix = "ord_"
	userIDPrefix  = "usr_"
	quoteIDPrefix = "qte_"
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns the prefix and 128 random bits: unguessable, so that knowing one
// order's ID tells nothing about another's.
func newID(prefix string) string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand aborts the program instead
	return prefix + idEncoding.EncodeToString(b[:])
}

// maxMoney is the first amount NUMERIC(18,2) cannot hold.
var maxMoney = decimal.New(1, 16)

// prepare validates o and fills in what PlaceOrder assigns.
func prepare(o Order, now time.Time) (Order, error) {
	if strings.TrimSpace(o.IdempotencyKey) == "" {
		return Order{}, fmt.Errorf("%w: no idempotency key", ErrInvalidOrder)
	}
	if o.Owner == "" {
		return Order{}, fmt.Errorf("%w: no owner", ErrInvalidOrder)
	}
	for _, m := range []struct {
		name string
		v    decimal.Decimal
	}{{"monthly total", o.MonthlyTotal}, {"upfront total", o.UpfrontTotal}} {
		if !m.v.Equal(m.v.Truncate(2)) {
			return Order{}, fmt.Errorf("%w: %s %s is not whole cents", ErrInvalidOrder, m.name, m.v)
		}
		if m.v.Abs().GreaterThanOrEqual(maxMoney) {
			return Order{}, fmt.Errorf("%w: %s %s is too large", ErrInvalidOrder, m.name, m.v)
		}
	}
	if (o.QuoteID == "") != (o.QuoteVersion == 0) || o.QuoteVersion < 0 {
		return Order{}, fmt.Errorf("%w: quote %q version %d: give both or neither", ErrInvalidOrder, o.QuoteID, o.QuoteVersion)
	}
	o.ID = newID(orderIDPrefix)
	o.ViewKey = newToken()
	o.CreatedAt = utcMicro(now)
	o.Status = StatusSubmitted
	o.TermsAcceptedAt = utcMicro(o.TermsAcceptedAt)
	o.Products = nonNil(o.Products)
	o.Regions = nonNil(o.Regions)
	return o, nil
}

// quoteJSON is the quote as the orders and quote versions store it: json.Marshal's
// bytes, written directly (json.Marshal would compact AppendJSON's output a second
// time, about a tenth of an order's CPU).
func quoteJSON(q pricing.Quote) string {
	return string(q.AppendJSON(make([]byte, 0, 4096)))
}

// utcMicro is a time as both databases keep it: PostgreSQL stores microseconds.
func utcMicro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// nullable is how an optional string is written: empty is NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullableInt is how an optional number is written: zero is NULL.
func nullableInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// invalidLink says why an order's rep or quote link was refused: the database does
// not say which of them it could not find.
func invalidLink(o Order) error {
	if o.QuoteID == "" {
		return fmt.Errorf("%w: rep %q is not a user", ErrInvalidOrder, o.Rep)
	}
	return fmt.Errorf("%w: rep %q is not a user, or quote %s has no version %d", ErrInvalidOrder, o.Rep, o.QuoteID, o.QuoteVersion)
}

// money is how an amount is written to the database: exactly two places.
func money(d decimal.Decimal) string { return d.StringFixed(2) }
