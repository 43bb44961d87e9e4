package views

import (
	"net/url"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
	"kmsconsole/store"
)

// Field is one labelled form field as the user left it: the value as typed (never
// reformatted, so a mistake stays visible) and the problem with it, if any.
type Field struct {
	Name    string // the form and query-string name, also the element id
	Label   string
	Value   string
	Error   string
	Hint    string
	Options []Option // for a select
	Min     string   // for a number
	Max     string
	Suffix  string // a unit shown after a number field ("months")
	// ReadOnly: shown and sent, but filled in by the server (sizing from needs).
	ReadOnly bool
	// AutoFocus: the page opens with the focus here (the builder's line just added).
	AutoFocus bool
}

// Option is one choice of a select, optionally in a group (an <optgroup>).
type Option struct {
	Value, Label, Group string
}

// errorID is the id of the element that holds a field's error message.
func (f Field) errorID() string { return "err-" + f.Name }

func (f Field) describedBy() string {
	if f.Hint != "" {
		return "hint-" + f.Name + " " + f.errorID()
	}
	return f.errorID()
}

func (f Field) invalid() string {
	if f.Error != "" {
		return "true"
	}
	return "false"
}

// optionGroups splits options into their groups, in order.
func (f Field) optionGroups() []optionGroup {
	var groups []optionGroup
	for _, o := range f.Options {
		if len(groups) == 0 || groups[len(groups)-1].Label != o.Group {
			groups = append(groups, optionGroup{Label: o.Group})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, o)
	}
	return groups
}

type optionGroup struct {
	Label   string
	Options []Option
}

// QuoteView is a quote panel: a quote, or the reason there is none.
type QuoteView struct {
	Title string
	Quote *pricing.Quote // nil while fields have problems
	// Empty says why there is no quote (e.g. "Fix the highlighted fields").
	Empty string
	// OfferKMS links the warning that KMS charges are not estimated to the KMS
	// estimator: for customers, who cannot add a KMS item to their quote.
	OfferKMS bool
}

// kmsEstimatorFor is where warning w of q sends a customer (offer): the KMS
// estimator in the region of q's first Secrets Manager item (of either billing), for
// the warning that KMS charges are not estimated. "" for any other warning, or when
// q estimates KMS charges already.
func kmsEstimatorFor(q *pricing.Quote, w pricing.Notice, offer bool) string {
	if !offer || w.Code != "ssm_kms_charges" {
		return ""
	}
	link := ""
	for _, it := range q.Items {
		switch {
		case it.Product == pricing.ProductKMS:
			return ""
		case link == "":
			link = "/kms?region=" + url.QueryEscape(it.Region)
		}
	}
	return link
}

// Announcement is the quote's totals in a sentence, or why there is no quote: what
// QuoteStatus says after a refresh.
func (v QuoteView) Announcement() string {
	if v.Quote == nil {
		if v.Empty == "" {
			return "No quote."
		}
		return "No quote: " + v.Empty
	}
	t, cur := v.Quote.Totals, v.Quote.Currency
	s := "Quote updated: " + Money(t.Monthly) + " " + cur + " a month"
	if t.Upfront.IsPositive() {
		s += ", " + Money(t.Upfront) + " " + cur + " up front"
	}
	return s + "."
}

// upfrontNote says, under a quote's totals, that the up-front amount is the
// subscriptions' months paid at once, not a charge on top of the monthly figure, and
// how much of that figure is still billed month by month: KMS usage. Old billing in
// the figure is never ordered, so never billed; the note says so. Empty without an
// up-front amount.
func upfrontNote(q *pricing.Quote) string {
	if !q.Totals.Upfront.IsPositive() {
		return ""
	}
	billed, subscriptions, legacy := decimal.Zero, 0, false
	for _, it := range q.Items {
		switch {
		case it.Upfront.IsPositive():
			subscriptions++
		case it.Product == pricing.ProductLegacy:
			legacy = true
		default: // KMS, billed as used
			billed = billed.Add(it.Monthly)
		}
	}
	if calls, ok := q.KMSCalls(); ok {
		billed = billed.Add(calls.Amount)
	}
	s := "The up-front amount is the subscription's monthly price for its whole term, paid at once"
	if subscriptions > 1 {
		s = "The up-front amount is the subscriptions' monthly prices for their whole terms, paid at once"
	}
	if billed.IsPositive() {
		s += "; only " + Money(billed) + " " + q.Currency + " a month, for pay-as-you-go usage, is billed each month"
	} else {
		s += ": it is not charged again each month"
	}
	if legacy {
		s += ". Old billing, in the monthly figure for comparison, is never ordered or billed"
	}
	return s + "."
}

// Money formats an amount as the console shows money everywhere: thousands
// separators and two decimals ("1,865.00").
func Money(d decimal.Decimal) string { return pricing.FormatMoney(d) }

// Number formats an exact quantity or unit price without losing digits
// ("10.5", "0.06", "1,000").
func Number(d decimal.Decimal) string { return pricing.FormatDecimal(d) }

// Count formats a whole number with thousands separators.
func Count(n int64) string { return pricing.FormatDecimal(decimal.NewFromInt(n)) }

// TermText reads "1 year (12 months)" or "3 months" for an SSM item's term.
func TermText(it pricing.QuotedItem) string {
	if it.SSM == nil {
		return ""
	}
	months := it.SSM.TermMonths
	if it.SSM.Billing == pricing.BillingAnnual {
		years := months / 12
		if years == 1 {
			return "1 year (12 months)"
		}
		return Count(years) + " years (" + Count(months) + " months)"
	}
	if months == 1 {
		return "1 month"
	}
	return Count(months) + " months"
}

// quantityText reads "300 key-days" or "10.5 × 10,000 calls".
func quantityText(l pricing.Line) string {
	q := Number(l.Quantity)
	if l.Unit != "" && l.Unit[0] >= '0' && l.Unit[0] <= '9' {
		return q + " × " + l.Unit
	}
	if q == "1" {
		return q + " " + l.Unit
	}
	return q + " " + l.Unit + "s"
}

// StatusText is an order's status as its buyer reads it.
func StatusText(status string) string {
	switch status {
	case store.StatusSubmitted:
		return "Submitted: waiting for confirmation"
	case store.StatusConfirmed:
		return "Confirmed"
	case store.StatusCancelled:
		return "Cancelled"
	}
	return status
}

// StatusLabel is an order's status as the desk names it, in its table and filter.
func StatusLabel(status string) string {
	switch status {
	case store.StatusSubmitted:
		return "Submitted"
	case store.StatusConfirmed:
		return "Confirmed"
	case store.StatusCancelled:
		return "Cancelled"
	}
	return status
}

// nextSteps says what follows an order, for each product in it, as far as its status
// goes: nothing follows a cancelled order, and KMS is active once the order is
// confirmed.
func nextSteps(v OrderView) []string {
	if v.Status == store.StatusCancelled {
		return []string{"This order was cancelled: nothing in it will be activated or billed. Your Tencent Cloud sales rep can tell you more."}
	}
	var steps []string
	for _, it := range v.Quote.Items {
		switch it.Product {
		case pricing.ProductSSM:
			steps = append(steps, it.Name+" in "+it.RegionName+": payment of "+Money(it.Upfront)+" "+v.Quote.Currency+
				" is due up front for the term, "+TermText(it)+"; the subscription starts once it is paid.")
		case pricing.ProductKMS:
			active := "activated once the order is confirmed, then billed monthly"
			if v.Status == store.StatusConfirmed {
				active = "activated, billed monthly"
			}
			steps = append(steps, "Key Management Service in "+it.RegionName+": "+active+"; a month's "+
				"fees are deducted on the 3rd to 5th day of the following month.")
		}
	}
	if v.QuotaIncreaseRequired {
		steps = append(steps, "A KMS quota increase is required before the keys above the quota can be created: submit a ticket or contact your Tencent Cloud sales rep.")
	}
	return steps
}
