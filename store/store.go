package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Store keeps orders, the sales reps who work on them, their saved quotes and share
// links, sessions and the sign-in throttle's failures. It is the contract both databases meet; a consumer defines the
// narrower interface it needs.
type Store interface {
	// PlaceOrder stores o durably and returns it with ID, CreatedAt and Status set,
	// and created=true. When o.IdempotencyKey was already used by the same owner it
	// stores nothing and returns the order placed then, with created=false; used by
	// another owner, it returns ErrIdempotencyConflict.
	PlaceOrder(ctx context.Context, o Order) (placed Order, created bool, err error)
	// Order returns the order with the ID, or ErrNotFound.
	Order(ctx context.Context, id string) (Order, error)
	// OrdersByOwner returns the owner's newest orders first, at most limit of them
	// (limit <= 0 or above MaxOrdersPerPage means MaxOrdersPerPage).
	OrdersByOwner(ctx context.Context, owner string, limit int) ([]Order, error)
	// PlacedOrderID returns the ID of the order the owner placed with the idempotency
	// key, or "" when the key placed none of the owner's orders.
	PlacedOrderID(ctx context.Context, owner, key string) (string, error)
	// NewViewKey gives the owner's order with the ID a new private link's key, and
	// returns it: the old key opens the order no more. ErrNotFound when the order is
	// not the owner's (or does not exist).
	NewViewKey(ctx context.Context, id, owner string) (string, error)

	// AddUser adds a sales rep with the email (kept trimmed and lower-cased) and a
	// password hash the caller made (the store never hashes). ErrEmailTaken when a rep
	// has the email in any case; ErrInvalidUser for an empty email or hash.
	AddUser(ctx context.Context, email string, passwordHash []byte) (User, error)
	// UserByEmail finds a rep by email in any case, or ErrUserNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UserByID finds a rep by ID, or ErrUserNotFound.
	UserByID(ctx context.Context, id string) (User, error)
	// ListUsers returns every rep, disabled ones too, ordered by email.
	ListUsers(ctx context.Context) ([]User, error)
	// SetUserDisabled disables or enables the rep with the email (in any case), or
	// returns ErrUserNotFound.
	SetUserDisabled(ctx context.Context, email string, disabled bool) error

	// ListOrders returns the orders that match f, newest first, one page of them
	// (see OrderFilter), and how many match in all.
	ListOrders(ctx context.Context, f OrderFilter) (orders []Order, total int, err error)
	// SetOrderStatus moves an order from submitted to confirmed or cancelled and
	// records who did it and why, in one transaction. Of concurrent changes to one
	// order exactly one succeeds. ErrInvalidOrder without an actor or a reason,
	// ErrNotFound for an unknown order, ErrBadTransition for any other move.
	SetOrderStatus(ctx context.Context, id, to, actor, reason string) (Order, error)
	// OrderAudit returns the order's history, oldest first: its placement (derived
	// from the order: actor "customer", "" to "submitted", reason "order placed")
	// and then every status change. ErrNotFound for an unknown order.
	OrderAudit(ctx context.Context, id string) ([]AuditEntry, error)

	// SaveQuote saves v as a new quote (id "") owned by v.SavedBy, or as the next
	// version of the quote id, and sets the quote's name, customer, notes, UpdatedAt
	// and Version from it, in one transaction: concurrent saves of one quote get
	// distinct, consecutive versions. It assigns v.Version and SavedAt, and v.QuoteID
	// but for a new quote given one (NewQuoteID): when a quote with that ID exists
	// already, nothing is saved and the error is ErrQuoteChanged.
	// after is the version the edit began from: when it is not 0 and another version
	// has been saved since, nothing is saved and the error is ErrQuoteChanged (0 saves
	// after whichever version is the latest). ErrNotFound for an unknown id;
	// ErrInvalidQuote for a blank name or SavedBy, a SavedBy that is not a user, or a
	// new quote's v.QuoteID that IsQuoteID refuses.
	SaveQuote(ctx context.Context, id string, after int, v QuoteVersion) (SavedQuote, QuoteVersion, error)
	// SavedQuote returns the quote, or ErrNotFound.
	SavedQuote(ctx context.Context, id string) (SavedQuote, error)
	// QuoteVersionAt returns one version with its request and snapshot; version 0 is
	// the latest. ErrNotFound for an unknown quote or version.
	QuoteVersionAt(ctx context.Context, id string, version int) (QuoteVersion, error)
	// QuoteVersions returns the quote's history, newest first, without the requests
	// and snapshots (Request and Quote are zero: QuoteVersionAt loads them).
	// ErrNotFound for an unknown quote.
	QuoteVersions(ctx context.Context, id string) ([]QuoteVersion, error)
	// ListQuotes returns the quotes whose name or customer name contains search
	// (trimmed; in any case; never a pattern), the most recently updated first, one
	// page of them (offset < 0 means 0; limit <= 0 or above MaxQuotesPerPage means
	// MaxQuotesPerPage), and how many match in all.
	ListQuotes(ctx context.Context, search string, offset, limit int) (quotes []SavedQuote, total int, err error)

	// CreateShare makes a share link to a version of the quote (0: the latest, which
	// the link then keeps showing after later saves). ErrNotFound for an unknown
	// quote or version; ErrInvalidQuote for a blank or unknown user.
	CreateShare(ctx context.Context, quoteID string, version int, by string) (Share, error)
	// ShareByToken returns the live share link with the token; ErrNotFound for an
	// unknown or revoked one alike.
	ShareByToken(ctx context.Context, token string) (Share, error)
	// SharesOf returns the quote's share links, revoked ones too, newest first.
	// ErrNotFound for an unknown quote.
	SharesOf(ctx context.Context, quoteID string) ([]Share, error)
	// RevokeShare revokes the link for good. Revoking a revoked link does nothing
	// and keeps the first revocation. ErrNotFound for an unknown token;
	// ErrInvalidQuote for a blank or unknown user.
	RevokeShare(ctx context.Context, token, by string) error

	// ThrottleWait returns how long a sign-in attempt on any of the keys must still
	// wait at now: the latest block among their records, less now; 0 when none blocks.
	ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error)
	// ThrottleFail records one failed sign-in at now on each key: its count goes up
	// by one atomically in the database, so concurrent failures on several instances
	// all count (after ThrottleForgetAfter of quiet it starts again at one), and the
	// key is blocked until now + waitAfter(count), never less than it already was. It
	// also deletes a bounded number of records quiet for over ThrottleForgetAfter.
	ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(failures int) time.Duration) error
	// ThrottleClear forgets the key's failures (an account's, at a good sign-in).
	ThrottleClear(ctx context.Context, key string) error

	// SessionStore is scs's own store for this database.
	SessionStore() scs.Store
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close stops the session cleanup and closes the database.
	Close() error
}

// MaxOrdersPerPage caps OrdersByOwner.
const MaxOrdersPerPage = 1000

// ThrottleForgetAfter is how long a sign-in throttle record is kept without a new
// failure (once its block has passed): then its count starts again, and the record
// is deleted a few at a time by later failures.
const ThrottleForgetAfter = time.Hour

var (
	// ErrNotFound: no order, saved quote or quote version has that ID, or no live
	// share link has that token.
	ErrNotFound = errors.New("store: not found")
	// ErrUnavailable wraps errors that mean the database cannot be reached or cannot
	// take the work now (connection refused or lost, server shutting down, SQLite busy
	// past its timeout, disk full or failing). The web layer answers 503; retrying a
	// PlaceOrder with the same idempotency key is safe.
	ErrUnavailable = errors.New("store: database unavailable")
	// ErrInvalidOrder: PlaceOrder refused the order as given (no idempotency key or
	// owner, an amount that is not whole cents or too large for NUMERIC(18,2)).
	ErrInvalidOrder = errors.New("store: invalid order")
	// ErrIdempotencyConflict: the idempotency key was used by another owner.
	ErrIdempotencyConflict = errors.New("store: idempotency key used by another owner")
	// ErrBadTransition: the order's status cannot change that way (only submitted →
	// confirmed and submitted → cancelled can).
	ErrBadTransition = errors.New("store: status change not allowed")

	// ErrUserNotFound: no rep has that email or ID.
	ErrUserNotFound = errors.New("store: user not found")
	// ErrEmailTaken: a rep has that email already (compared case-insensitively).
	ErrEmailTaken = errors.New("store: email taken")
	// ErrInvalidUser: AddUser was given an empty email or password hash.
	ErrInvalidUser = errors.New("store: invalid user")

	// ErrInvalidQuote: a saved quote without a name, or a save, share or revocation
	// without a user, or by a user who does not exist.
	ErrInvalidQuote = errors.New("store: invalid quote")
	// ErrQuoteChanged: SaveQuote was told the edit began from a version that is no
	// longer the latest, so the save would undo another's changes unseen.
	ErrQuoteChanged = errors.New("store: quote changed since the edit began")
)

// Open opens the database and brings its schema up to date. With an empty
// databaseURL it is SQLite at <dataDir>/console.db (the directory is created); with a
// postgres:// or postgresql:// URL it is PostgreSQL.
func Open(ctx context.Context, dataDir, databaseURL string, logger *slog.Logger) (Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if databaseURL == "" {
		return openSQLite(ctx, dataDir, logger, sqliteOptions{})
	}
	scheme, _, _ := strings.Cut(databaseURL, "://")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return openPostgres(ctx, databaseURL, logger)
	}
	if scheme == databaseURL {
		scheme = ""
	}
	return nil, fmt.Errorf("store: unsupported database URL (scheme %q): want postgres:// or postgresql://, or none for SQLite", scheme)
}

func clampLimit(limit int) int {
	if limit <= 0 || limit > MaxOrdersPerPage {
		return MaxOrdersPerPage
	}
	return limit
}
