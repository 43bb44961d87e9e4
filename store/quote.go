package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"kmsconsole/pricing"
)

// MaxQuotesPerPage caps ListQuotes: a limit <= 0 or above it means this many.
const MaxQuotesPerPage = 100

// SavedQuote is a quote a sales rep built and saved for a customer. Its name,
// customer and notes are those of its latest version.
type SavedQuote struct {
	ID                string // "qte_" and 128 random bits
	Name              string
	CustomerName      string
	CustomerAccountID string
	Notes             string
	Rep               string    // the user ID of the owner: who saved version 1
	CreatedAt         time.Time // UTC, microsecond precision
	UpdatedAt         time.Time // when the latest version was saved
	Version           int       // the latest version number
}

// QuoteVersion is one save of a quote: what was asked for and what it was priced at
// then. A version never changes once saved.
type QuoteVersion struct {
	QuoteID string
	Version int // 1, 2, … in the order saved

	Request          pricing.Request // kept as its JSON
	PriceBookVersion string
	Quote            pricing.Quote // the snapshot as saved, kept as its JSON

	SavedBy string    // a user ID
	SavedAt time.Time // UTC, microsecond precision

	// As saved with this version; the quote shows the latest.
	Name              string
	CustomerName      string
	CustomerAccountID string
	Notes             string
}

// Share is a link that shows one version of a saved quote to anyone who has it.
type Share struct {
	Token     string // 256 random bits: the link's secret
	QuoteID   string
	Version   int // the version the link shows, even after later saves
	CreatedBy string
	CreatedAt time.Time // UTC, microsecond precision
	RevokedAt time.Time // zero while the link is live
	RevokedBy string    // "" while the link is live
}

// newToken returns 256 random bits as 52 lower-case letters and digits.
func newToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails: crypto/rand aborts the program instead
	return idEncoding.EncodeToString(b[:])
}

// quoteSave is a checked SaveQuote: the version as it will be stored, with its
// request and snapshot encoded.
type quoteSave struct {
	v              QuoteVersion
	request, quote string
	newQuote       SavedQuote // for id "": the quote to create
}

// prepareSave validates what SaveQuote was given and fills in what it assigns but
// the version number, which only the transaction can know.
func prepareSave(id string, v QuoteVersion, now time.Time) (quoteSave, error) {
	if strings.TrimSpace(v.Name) == "" {
		return quoteSave{}, fmt.Errorf("%w: a quote needs a name", ErrInvalidQuote)
	}
	if strings.TrimSpace(v.SavedBy) == "" {
		return quoteSave{}, fmt.Errorf("%w: a save needs a user", ErrInvalidQuote)
	}
	request, err := json.Marshal(v.Request)
	if err != nil {
		return quoteSave{}, fmt.Errorf("store: quote request: %w", err)
	}
	quote := quoteJSON(v.Quote)
	// What the caller reads back is what was stored: the JSON round trip drops what
	// it cannot keep (the request's unexported problems, amounts past the cent).
	if err := decodeVersion(&v, string(request), quote); err != nil {
		return quoteSave{}, err
	}
	v.SavedAt = utcMicro(now)
	s := quoteSave{v: v, request: string(request), quote: quote}
	if id == "" {
		switch {
		case v.QuoteID == "":
			s.v.QuoteID = newID(quoteIDPrefix)
		case !IsQuoteID(v.QuoteID):
			return quoteSave{}, fmt.Errorf("%w: %q is not a quote ID", ErrInvalidQuote, v.QuoteID)
		}
		s.v.Version = 1
		s.newQuote = SavedQuote{ID: s.v.QuoteID, Rep: v.SavedBy, CreatedAt: v.SavedAt}
	} else {
		s.v.QuoteID = id
	}
	return s, nil
}

// NewQuoteID returns an ID for a quote not saved yet: the builder's form for a new
// quote carries one, so that sending it twice creates one quote (see SaveQuote).
func NewQuoteID() string { return newID(quoteIDPrefix) }

// QuoteIDFrom returns a well-formed quote ID made from seed, the same for the same
// seed: for a new quote that must be saved once under an ID no form carried.
func QuoteIDFrom(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return quoteIDPrefix + idEncoding.EncodeToString(sum[:16])
}

// IsQuoteID tells whether s has the form of a quote ID: "qte_" and 26 characters of
// the IDs' alphabet (128 bits).
func IsQuoteID(s string) bool {
	rest, ok := strings.CutPrefix(s, quoteIDPrefix)
	if !ok || len(rest) != 26 {
		return false
	}
	for _, c := range []byte(rest) {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// saved is the quote after version v was saved to q.
func saved(q SavedQuote, v QuoteVersion) SavedQuote {
	q.Name, q.CustomerName, q.CustomerAccountID, q.Notes = v.Name, v.CustomerName, v.CustomerAccountID, v.Notes
	q.UpdatedAt, q.Version = v.SavedAt, v.Version
	return q
}

// decodeVersion reads a version's request and snapshot.
func decodeVersion(v *QuoteVersion, request, quote string) error {
	v.Request, v.Quote = pricing.Request{}, pricing.Quote{}
	if err := json.Unmarshal([]byte(request), &v.Request); err != nil {
		return fmt.Errorf("store: quote %s version %d: request: %w", v.QuoteID, v.Version, err)
	}
	if err := json.Unmarshal([]byte(quote), &v.Quote); err != nil {
		return fmt.Errorf("store: quote %s version %d: snapshot: %w", v.QuoteID, v.Version, err)
	}
	return nil
}

// checkUser validates the user a share or revocation is made by.
func checkUser(by, what string) error {
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("%w: %s needs a user", ErrInvalidQuote, what)
	}
	return nil
}

func quotesPage(offset, limit int) (int, int) {
	if limit <= 0 || limit > MaxQuotesPerPage {
		limit = MaxQuotesPerPage
	}
	return max(offset, 0), limit
}
