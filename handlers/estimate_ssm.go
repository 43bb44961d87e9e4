package handlers

import (
	"errors"
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
	page := views.SSMEstimator{
		Page: h.page(r, "Secrets Manager estimator",
			"Estimate the monthly and up-front cost of Tencent Cloud Secrets Manager, and compare it with the old billing."),
		Results: h.ssmEstimate(r.URL.Query()),
	}
	h.render(w, r, http.StatusOK, views.SSMEstimatorPage(page))
}

// SSMQuote is the live quote of the SSM estimator: the parts of the page that follow
// the inputs, for the page's script to swap in.
func (h *Handlers) SSMQuote(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.SSMFragment(h.ssmEstimate(r.URL.Query())))
}

func (h *Handlers) ssmEstimate(query url.Values) views.SSMResults {
	b := h.bk()
	f := h.ssmForm(query)
	errs := map[string]string{}
	res := views.SSMResults{Compare: f.q.Get("compare") != "", Needs: f.q.Get("needs") != ""}
	sized := true
	if res.Needs {
		f, res.NeedsReason, sized = h.sizeFromNeeds(f, errs)
	}
	annual := f.value("billing") == pricing.BillingAnnual
	item := f.ssmItem()

	q, err := h.compute("estimator", b, pricing.Request{Items: []pricing.Item{item}})
	addErrors(errs, fieldErrors(err, ssmRename))
	if err == nil && !sized {
		// Not the credentials typed: the needs they were to be sized from are wrong.
		err = errors.New("the needs cannot be sized")
	}
	if msg, ok := errs["term"]; ok && !strings.Contains(msg, "whole number") && !strings.Contains(msg, "negative") {
		errs["term"] = termMessage(b, annual)
	}
	res.Quote = quoteView("New billing (subscription)", q, err)
	res.Quote.OfferKMS = true
	if err == nil {
		s := q.Items[0].SSM
		res.Sizing = &views.Sizing{
			Packages:            views.Count(s.Packages),
			IncludedCredentials: views.Count(s.IncludedCredentials),
			TotalQPS:            views.Count(s.TotalQPS),
			Group:               s.GroupName,
		}
		res.Regions = h.regionTable("/ssm", f.q, item)
	}

	if res.Compare {
		priced, note, problem := monthlyCalls(f, item.Credentials, 0)
		legacy := priced.item(pricing.ProductLegacy, nil)
		lq, lerr := h.compute("estimator", b, pricing.Request{Items: []pricing.Item{legacy}})
		if problem != "" {
			errs["api_calls"], lerr = problem, errors.New(problem)
		}
		addErrors(errs, fieldErrors(lerr, nil))
		if !sized && lerr == nil {
			// Its fields are fine, but the credentials to compare are the ones the
			// needs would size.
			lerr = err
		}
		res.Legacy = quoteView("Old billing (pay-as-you-go)", lq, lerr)
		res.Legacy.OfferKMS = true
		if err == nil && lerr == nil {
			res.CallsNote = note
			calls := comparedCalls(f, legacy.APICalls, item.Credentials)
			res.Comparison = h.comparison(q, lq, item, calls)
			packages := max(q.Items[0].SSM.Packages+1, 3)
			if c, ok := b.BillingCurves(item.Region, item.QPSUnits, calls, packages); ok {
				chart := views.NewBreakEvenChart(c, item.Credentials, q.Currency)
				res.Chart = &chart
			}
		}
	}
	res.Fields = h.ssmFields(f, errs, annual, res.Needs)
	return res
}

// ssmFields are the estimator's fields as the page shows them.
func (h *Handlers) ssmFields(f form, errs map[string]string, annual, needs bool) []views.Field {
	b := h.bk()
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
	term := field("term", "Term", "1 to 11 months")
	term.Suffix = "months"
	if annual {
		term.Hint, term.Suffix = "1, 2 or 3 years", "years"
	}
	// Sized from needs, the subscription's fields are the server's to fill.
	const filled = " Filled in from your needs while Size from my needs is ticked."
	credentials := field("credentials", "Credentials", "Sold in packages of 1,000, each with 500 QPS."+filled)
	qpsUnits := field("qps_units", "QPS units", "Extra compute performance, 500 QPS each."+filled)
	credentials.ReadOnly, qpsUnits.ReadOnly = needs, needs
	return []views.Field{
		region, edition,
		field("needs_secrets", "Secrets to store", "How many secrets (credentials) you will keep."),
		field("needs_qps", "Peak QPS", "The most queries a second you expect."),
		credentials, qpsUnits,
		billing, term,
		callsField(f, errs, "Calls to Secrets Manager in this region: in all, or for each credential when counted per credential per day.", true),
		callsUnitField(f, true),
	}
}

// sizeFromNeeds fills the subscription's credentials and QPS units from the needs
// fields, and says why; problems go to the needs fields, and false says there were.
func (h *Handlers) sizeFromNeeds(f form, errs map[string]string) (form, string, bool) {
	secrets, msg := pricing.ParseCount("credentials", f.value("needs_secrets"))
	if msg != "" {
		errs["needs_secrets"], secrets = capitalize(msg), 1 // check the other field still
	}
	peak, msg := pricing.ParseCount("api_calls", orZero(f.value("needs_qps")))
	if msg != "" {
		errs["needs_qps"], peak = capitalize(msg), 0
	}
	s, err := h.bk().SizeFromNeeds(f.value("edition"), pricing.Needs{Secrets: secrets, PeakQPS: peak})
	addErrors(errs, fieldErrors(err, map[string]string{"secrets": "needs_secrets", "peak_qps": "needs_qps"}))
	if errs["needs_secrets"] != "" || errs["needs_qps"] != "" || err != nil {
		return f, "", false
	}
	q := cloneWith(f.q, "credentials", strconv.FormatInt(s.Credentials, 10))
	q = cloneWith(q, "qps_units", strconv.FormatInt(s.QPSUnits, 10))
	return form{q: q, defaults: f.defaults}, s.Reason, true
}

func orZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return s
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

// ssmForm reads the SSM estimator's inputs, with the estimator's defaults.
func (h *Handlers) ssmForm(q url.Values) form {
	b := h.bk()
	return form{q: q, defaults: map[string]string{
		"region": b.Regions[0].ID, "edition": b.SSM.Editions[0].ID, "credentials": "1000",
		"qps_units": "0", "billing": pricing.BillingMonthly, "term": "1", "api_calls": "60000",
		"api_calls_unit": pricing.PerMonth, "needs_secrets": "1000", "needs_qps": "500",
	}}
}

// ssmFields are the inputs of an SSM subscription, as a purchase carries them on.
var ssmFields = []string{"region", "edition", "credentials", "qps_units", "billing", "term"}

// maxAnnualYears is more years than any annual term has: the years the form converts
// to months.
const maxAnnualYears = 100

// ssmItem is the subscription the form describes. The form's term counts years for
// annual billing; the engine's counts months.
func (f form) ssmItem() pricing.Item {
	termMonths := f.value("term")
	// Only a term the engine could take is converted: past that, years are refused as
	// they are (12 times a huge count would wrap around to a small one).
	if n, err := strconv.ParseInt(strings.TrimSpace(termMonths), 10, 64); err == nil && f.value("billing") == pricing.BillingAnnual &&
		n >= -maxAnnualYears && n <= maxAnnualYears {
		termMonths = strconv.FormatInt(n*12, 10)
	}
	months := form{q: cloneWith(f.q, "term", termMonths), defaults: f.defaults}
	return months.item(pricing.ProductSSM, ssmRename)
}

// comparison puts old and new billing side by side in words, with the credential
// counts at which the new billing is the cheaper one.
func (h *Handlers) comparison(newQ, oldQ pricing.Quote, item pricing.Item, calls pricing.Calls) string {
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
	ranges := h.bk().NewBillingCheaper(item.Region, item.QPSUnits, calls, packages)
	upTo := views.Count(packages * h.bk().SSM.Editions[0].CredentialsPerPackage)
	with := "With " + views.Count(calls.Monthly) + " API calls a month"
	if calls.PerCredential > 0 {
		with = "With " + views.Count(calls.PerCredential) + " API calls a month for each credential"
	}
	if len(ranges) == 0 {
		sb.WriteString(with + ", the new billing is not cheaper at any count up to " + upTo + " credentials.")
		return sb.String()
	}
	parts := make([]string, len(ranges))
	for i, rg := range ranges {
		parts[i] = views.Count(rg.From) + " to " + views.Count(rg.To)
	}
	sb.WriteString(with + ", the new billing is cheaper from " +
		strings.Join(parts, ", from ") + " credentials (counted up to " + upTo + ").")
	return sb.String()
}
