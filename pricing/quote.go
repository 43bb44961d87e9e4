package pricing

import (
	"github.com/shopspring/decimal"
)

// Quote is an exact, itemized and explained price for a request. Amounts are rounded
// to cents line by line and totals are sums of those lines, as on an invoice.
type Quote struct {
	Currency  string       `json:"currency"`
	PriceBook BookRef      `json:"price_book"`
	Items     []QuotedItem `json:"items"`
	// AccountLines are charges that belong to the account rather than to one item:
	// KMS API calls (one free tier for all regions) and old-billing API calls per region.
	AccountLines []Line `json:"account_lines"`
	Totals       Totals `json:"totals"`
	// Assumptions are the decisions taken where the purchase guides are silent, and
	// the rules a reader could not guess, in plain words.
	Assumptions []Notice `json:"assumptions"`
	Warnings    []Notice `json:"warnings"`
	// Settlement says when what is quoted is paid.
	Settlement []Notice `json:"settlement"`
	// QuotaIncreaseRequired is true when a region's customer managed keys exceed the
	// KMS quota: the quote is priced, but an order needs a quota increase.
	QuotaIncreaseRequired bool `json:"quota_increase_required"`
	// Orderable is true when at least one item can be ordered (old billing cannot).
	Orderable bool `json:"orderable"`
}

// KMSCalls is the account's KMS API calls line: the first of the account lines
// whenever the quote has a KMS item (Book.accountLines puts it there); false without
// a KMS item.
func (q *Quote) KMSCalls() (Line, bool) {
	for _, it := range q.Items {
		if it.Product == ProductKMS && len(q.AccountLines) > 0 {
			return q.AccountLines[0], true
		}
	}
	return Line{}, false
}

// BookRef identifies the price book a quote was computed with.
type BookRef struct {
	Version   string `json:"version"`
	Effective string `json:"effective"`
}

// QuotedItem is one requested item with its lines.
type QuotedItem struct {
	Product    string `json:"product"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Orderable  bool   `json:"orderable"`
	Lines      []Line `json:"lines"`
	// Monthly is the item's recurring monthly cost; Upfront what ordering it costs
	// at once (an SSM subscription's whole term).
	Monthly decimal.Decimal `json:"monthly"`
	Upfront decimal.Decimal `json:"upfront"`
	// SSM says what an SSM subscription includes; nil for other products.
	SSM *SSMSizing `json:"ssm,omitempty"`
	// Input is the item as requested, with defaults filled in.
	Input Item `json:"input"`
}

// SSMSizing is what an SSM subscription choice includes.
type SSMSizing struct {
	Group               string `json:"group"`
	GroupName           string `json:"group_name"`
	Edition             string `json:"edition"`
	Packages            int64  `json:"packages"`
	IncludedCredentials int64  `json:"included_credentials"`
	TotalQPS            int64  `json:"total_qps"`
	Billing             string `json:"billing"`
	TermMonths          int64  `json:"term_months"`
}

// Line is one priced line: Amount is Quantity x UnitPrice, rounded half-up to cents.
type Line struct {
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	Amount      decimal.Decimal `json:"amount"`
	Note        string          `json:"note,omitempty"`
	// Formula is the line's arithmetic ("2,500 credentials → 3 packages × 529 =
	// 1,587.00") and Source where its price and rule come from.
	Formula string `json:"formula,omitempty"`
	Source  string `json:"source,omitempty"`

	exact   decimal.Decimal // the amount before rounding
	rounded bool            // exact had more than cents
}

// Totals of a quote: Monthly is the recurring monthly estimate of everything; Upfront
// is what is paid when ordering (SSM subscriptions for their term).
type Totals struct {
	Monthly decimal.Decimal `json:"monthly"`
	Upfront decimal.Decimal `json:"upfront"`
}

// Notice is an assumption, a warning or a settlement note: a stable code for programs
// and a sentence for people.
type Notice struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// Amounts are written with exactly two decimal places ("1865.00") so that every reader
// of the JSON sees cents; unit prices and quantities keep their exact value. The three
// types write their JSON directly (see quote_json.go): encoding/json re-reads and
// copies whatever a MarshalJSON method returns, and through json.Marshal at every
// level a quote's lines were read three times over.

func (q Quote) MarshalJSON() ([]byte, error) {
	return q.AppendJSON(make([]byte, 0, 2048*(len(q.Items)+1))), nil
}

func (l Line) MarshalJSON() ([]byte, error) { return l.appendJSON(make([]byte, 0, 512)), nil }

func (it QuotedItem) MarshalJSON() ([]byte, error) {
	return it.appendJSON(make([]byte, 0, 512*(len(it.Lines)+1))), nil
}

func (t Totals) MarshalJSON() ([]byte, error) { return t.appendJSON(make([]byte, 0, 48)), nil }
