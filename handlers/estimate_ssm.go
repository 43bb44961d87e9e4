package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kmsconsole/pricing"
	"kmsconsole/views"
)

// The SSM form names its fields as the query string does; "term" is in months for
// monthly billing and in years for annual billing, as a buyer thinks of it.
var ssmRename = map[string]string{"term_months": "term"}

// SSMEstimator shows the Secrets Manager estimator for the inputs in the URL.
func (h *Handlers) SSMEstimator(w http.ResponseWriter, r *http.Request) {
	v := h.ssmEstimate(r)
	page := views.SSMEstimator{
		Page: h.page(r, "Secrets Manager estimator",
			"Estimate the monthly and up-front cost of Tencent Cloud Secrets Manager, and compare it with the old billing."),
		Compare: v.Compare,
		Results: v,
	}
	for _, f := range v.Fields {
		switch f.Name {
		case "region":
			page.Region = f
		case "edition":
			page.Edition = f
		case "credentials":
			page.Credentials = f
		case "qps_units":
			page.QPSUnits = f
		case "billing":
			page.Billing = f
		case "term":
			page.Term = f
		case "api_calls":
			page.APICalls = f
		}
	}
	h.render(w, r, http.StatusOK, views.SSMEstimatorPage(page))
}

// SSMQuote is the live quote of the SSM estimator: the parts of the page that follow
// the inputs, for the page's script to swap in.
func (h *Handlers) SSMQuote(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.SSMFragment(h.ssmEstimate(r)))
}

func (h *Handlers) ssmEstimate(r *http.Request) views.SSMResults {
	b := h.book
	f := h.ssmForm(r.URL.Query())
	compare := f.q.Get("compare") != ""
	annual := f.value("billing") == pricing.BillingAnnual
	item := f.ssmItem()

	res := views.SSMResults{Compare: compare}
	q, err := pricing.Compute(b, pricing.Request{Items: []pricing.Item{item}})
	errs := fieldErrors(err, ssmRename)
	if msg, ok := errs["term"]; ok && !strings.Contains(msg, "whole number") && !strings.Contains(msg, "negative") {
		errs["term"] = termMessage(b, annual)
	}
	res.Quote = quoteView("New billing (subscription)", q, err)
	if err == nil {
		s := q.Items[0].SSM
		res.Sizing = &views.Sizing{
			Packages:            views.Count(s.Packages),
			IncludedCredentials: views.Count(s.IncludedCredentials),
			TotalQPS:            views.Count(s.TotalQPS),
			Group:               s.GroupName,
		}
	}

	if compare {
		legacy := f.item(pricing.ProductLegacy, nil)
		lq, lerr := pricing.Compute(b, pricing.Request{Items: []pricing.Item{legacy}})
		for name, msg := range fieldErrors(lerr, nil) {
			if _, ok := errs[name]; !ok {
				errs[name] = msg
			}
		}
		res.Legacy = quoteView("Old billing (pay-as-you-go)", lq, lerr)
		if err == nil && lerr == nil {
			res.Comparison = h.comparison(q, lq, item, legacy)
		}
	}

	unit := "months"
	hint := "1 to 11 months"
	if annual {
		unit, hint = "years", "1, 2 or 3 years"
	}
	field := func(name, label, hint string) views.Field {
		return views.Field{Name: name, Label: label, Value: f.value(name), Error: errs[name], Hint: hint}
	}
	region := field("region", "Region", "Prices differ between the two region groups.")
	region.Options = h.regionOptions(true)
	edition := field("edition", "Edition", "")
	for _, e := range b.SSM.Editions {
		edition.Options = append(edition.Options, views.Option{Value: e.ID, Label: e.Name})
	}
	billing := field("billing", "Billing mode", "")
	billing.Options = []views.Option{{Value: pricing.BillingMonthly, Label: "Monthly"}, {Value: pricing.BillingAnnual, Label: "Annual"}}
	term := field("term", "Term", hint)
	term.Suffix = unit
	res.Fields = []views.Field{
		region, edition,
		field("credentials", "Credentials", "Sold in packages of 1,000, each with 500 QPS."),
		field("qps_units", "QPS units", "Extra compute performance, 500 QPS each."),
		billing, term,
		field("api_calls", "API calls per month", "Across all credentials, in this region."),
	}
	return res
}

// ssmForm reads the SSM estimator's inputs, with the estimator's defaults.
func (h *Handlers) ssmForm(q url.Values) form {
	b := h.book
	return form{q: q, defaults: map[string]string{
		"region": b.Regions[0].ID, "edition": b.SSM.Editions[0].ID, "credentials": "1000",
		"qps_units": "0", "billing": pricing.BillingMonthly, "term": "1", "api_calls": "60000",
	}}
}

// ssmFields are the inputs of an SSM subscription, as a purchase carries them on.
var ssmFields = []string{"region", "edition", "credentials", "qps_units", "billing", "term"}

// ssmItem is the subscription the form describes. The form's term counts years for
// annual billing; the engine's counts months.
func (f form) ssmItem() pricing.Item {
	termMonths := f.value("term")
	if n, err := strconv.ParseInt(strings.TrimSpace(termMonths), 10, 64); err == nil && f.value("billing") == pricing.BillingAnnual {
		termMonths = strconv.FormatInt(n*12, 10)
	}
	months := form{q: cloneWith(f.q, "term", termMonths), defaults: f.defaults}
	return months.item(pricing.ProductSSM, ssmRename)
}

func termMessage(b *pricing.Book, annual bool) string {
	if annual {
		years := make([]string, len(b.SSM.AnnualTermMonths))
		for i, m := range b.SSM.AnnualTermMonths {
			years[i] = strconv.FormatInt(m/12, 10)
		}
		return "An annual term is " + strings.Join(years[:len(years)-1], ", ") + " or " + years[len(years)-1] + " years"
	}
	mt := b.SSM.MonthlyTermMonths
	return "A monthly term is " + strconv.FormatInt(mt.Min, 10) + " to " + strconv.FormatInt(mt.Max, 10) + " months"
}

// comparison puts old and new billing side by side in words, with the credential
// counts at which the new billing is the cheaper one.
func (h *Handlers) comparison(newQ, oldQ pricing.Quote, item, legacy pricing.Item) string {
	n, o := newQ.Totals.Monthly, oldQ.Totals.Monthly
	var sb strings.Builder
	sb.WriteString("At " + views.Count(item.Credentials) + " credentials, the new billing costs " + views.Money(n) + " a month")
	switch {
	case n.GreaterThan(o):
		sb.WriteString(", " + views.Money(n.Sub(o)) + " more than the old billing (" + views.Money(o) + "). ")
	case n.LessThan(o):
		sb.WriteString(", " + views.Money(o.Sub(n)) + " less than the old billing (" + views.Money(o) + "). ")
	default:
		sb.WriteString(", the same as the old billing. ")
	}
	packages := max(newQ.Items[0].SSM.Packages+1, 3)
	ranges := h.book.NewBillingCheaper(item.Region, item.QPSUnits, legacy.APICalls, packages)
	upTo := views.Count(packages * h.book.SSM.Editions[0].CredentialsPerPackage)
	if len(ranges) == 0 {
		sb.WriteString("With " + views.Count(legacy.APICalls) + " API calls a month, the new billing is not cheaper at any count up to " + upTo + " credentials.")
		return sb.String()
	}
	parts := make([]string, len(ranges))
	for i, rg := range ranges {
		parts[i] = views.Count(rg.From) + " to " + views.Count(rg.To)
	}
	sb.WriteString("With " + views.Count(legacy.APICalls) + " API calls a month, the new billing is cheaper from " +
		strings.Join(parts, ", from ") + " credentials (counted up to " + upTo + ").")
	return sb.String()
}
