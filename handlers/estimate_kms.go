package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"kmsconsole/pricing"
	"kmsconsole/views"
)

// KMSEstimator shows the Key Management Service estimator for the inputs in the URL.
func (h *Handlers) KMSEstimator(w http.ResponseWriter, r *http.Request) {
	page := views.KMSEstimator{
		Page: h.page(r, "Key Management Service estimator",
			"Estimate the monthly cost of Tencent Cloud Key Management Service: keys, API calls and the free tier."),
		Results: h.kmsEstimate(r),
	}
	h.render(w, r, http.StatusOK, views.KMSEstimatorPage(page))
}

// KMSQuote is the live quote of the KMS estimator.
func (h *Handlers) KMSQuote(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.KMSFragment(h.kmsEstimate(r)))
}

func (h *Handlers) kmsEstimate(r *http.Request) views.KMSResults {
	b := h.bk()
	f := h.kmsForm(r.URL.Query())
	errs := map[string]string{}
	priced, callsNote, problem := kmsMonthlyCalls(f)
	item := priced.item(pricing.ProductKMS, nil)
	// A blank Days field means the default month, as for any other way in.
	q, err := h.compute("estimator", b, pricing.Request{Items: []pricing.Item{item}})
	addErrors(errs, fieldErrors(err, nil)) // every field's problem, not only the calls'
	if problem != "" {
		errs["api_calls"], err = problem, errors.New(problem)
	}

	quota := views.Count(b.KMS.CustomerKeyQuotaPerRegion)
	field := func(name, label, hint string) views.Field {
		return views.Field{Name: name, Label: label, Value: f.value(name), Error: errs[name], Hint: hint}
	}
	region := field("region", "Region", "KMS prices are the same in every region; the key quota is per region.")
	region.Options = h.regionOptions(false)
	var regions *views.RegionTable
	if err == nil {
		regions = h.regionTable("/kms", f.q, item)
	}
	if err != nil {
		callsNote = ""
	}
	return views.KMSResults{
		CallsNote: callsNote,
		Quote:     quoteView("Monthly estimate", q, err),
		Regions:   regions,
		Fields: []views.Field{
			region,
			field("customer_keys", "Customer managed keys", "Billed by the day. Quota: "+quota+" per region."),
			field("managed_keys", "Tencent Cloud managed keys", "Created for you by other Tencent Cloud services; free."),
			field("pending_deletion_keys", "Keys pending deletion", "Keys in scheduled deletion are not billed."),
			callsField(f, errs, "The account's first "+views.Count(b.KMS.APICalls.FreePerMonth)+" calls a month are free.", false),
			callsUnitField(f, false),
			field("days", "Days", "Days the keys are kept this month (1 to 31)."),
		},
	}
}

// kmsForm reads the KMS estimator's inputs, with the estimator's defaults.
func (h *Handlers) kmsForm(q url.Values) form {
	return form{q: q, defaults: map[string]string{
		"region": h.bk().Regions[0].ID, "customer_keys": "10", "managed_keys": "0",
		"pending_deletion_keys": "0", "api_calls": "50000", "days": strconv.Itoa(pricing.DefaultDays),
		"api_calls_unit": pricing.PerMonth,
	}}
}

// kmsFields are the inputs of a KMS activation, as a purchase carries them on.
var kmsFields = []string{"region", "customer_keys", "managed_keys", "pending_deletion_keys", "api_calls", "api_calls_unit", "days"}
