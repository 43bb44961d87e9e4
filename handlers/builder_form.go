package handlers

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"kmsconsole/pricing"
	"kmsconsole/views"
)

// A quote in the builder is a form of lines named items.N.FIELD (with the pricing
// field names), plus the quote's name, customer and notes. These read and write it.

// builderLine is one line as typed.
type builderLine struct {
	product string
	values  map[string]string
}

// readLines reads the lines of a builder form in their order.
func readLines(form url.Values) []builderLine {
	byIndex := map[int]*builderLine{}
	for key, vals := range form {
		rest, ok := strings.CutPrefix(key, "items.")
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 || n >= pricing.MaxItems*2 {
			continue
		}
		l := byIndex[n]
		if l == nil {
			l = &builderLine{values: map[string]string{}}
			byIndex[n] = l
		}
		if field == "product" {
			l.product = vals[0]
		} else {
			l.values[field] = vals[0]
		}
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	lines := make([]builderLine, 0, len(idx))
	for _, n := range idx {
		lines = append(lines, *byIndex[n])
	}
	return lines
}

// request turns the lines into a pricing request, read as every other form is.
func request(lines []builderLine) pricing.Request {
	req := pricing.Request{Items: make([]pricing.Item, 0, len(lines))}
	for _, l := range lines {
		req.Items = append(req.Items, pricing.ParseItem(l.product, func(name string) pricing.Value {
			v := l.values[name]
			return pricing.Value{Text: v, Present: strings.TrimSpace(v) != ""}
		}))
	}
	return req
}

// linesOf writes a saved request back as lines.
func linesOf(req pricing.Request) []builderLine {
	lines := make([]builderLine, 0, len(req.Items))
	for _, it := range req.Items {
		l := builderLine{product: it.Product, values: map[string]string{}}
		text := map[string]string{"region": it.Region, "edition": it.Edition, "billing": it.Billing}
		counts := map[string]int64{"credentials": it.Credentials, "qps_units": it.QPSUnits, "term_months": it.TermMonths,
			"customer_keys": it.CustomerKeys, "managed_keys": it.ManagedKeys, "pending_deletion_keys": it.PendingDeletionKeys,
			"api_calls": it.APICalls, "days": it.Days}
		for _, name := range pricing.FieldNames(it.Product) {
			if v, ok := text[name]; ok {
				l.values[name] = v
			} else if n := counts[name]; n != 0 || name != "days" {
				l.values[name] = strconv.FormatInt(n, 10)
			}
		}
		lines = append(lines, l)
	}
	return lines
}

// newLine is a line of a product with the estimators' defaults.
func (h *Handlers) newLine(product string) builderLine {
	l := builderLine{product: product, values: map[string]string{"region": h.bk().Regions[0].ID}}
	switch product {
	case pricing.ProductSSM:
		l.values["edition"], l.values["credentials"], l.values["qps_units"] = h.bk().SSM.Editions[0].ID, "1000", "0"
		l.values["billing"], l.values["term_months"] = pricing.BillingAnnual, "12"
	case pricing.ProductKMS:
		l.values["customer_keys"], l.values["managed_keys"], l.values["pending_deletion_keys"] = "10", "0", "0"
		l.values["api_calls"], l.values["days"] = "50000", "30"
	case pricing.ProductLegacy:
		l.values["credentials"], l.values["api_calls"] = "100", "60000"
	}
	return l
}

// fieldLabels are the builder's labels of the pricing fields.
var fieldLabels = map[string]string{
	"region": "Region", "edition": "Edition", "credentials": "Credentials", "qps_units": "QPS units",
	"billing": "Billing mode", "term_months": "Term (months)", "customer_keys": "Customer managed keys",
	"managed_keys": "Tencent Cloud managed keys", "pending_deletion_keys": "Keys pending deletion",
	"api_calls": "API calls per month", "days": "Days",
}

// lineViews are the lines as the builder shows them, with each field's message.
func (h *Handlers) lineViews(lines []builderLine, problems map[string]string) []views.BuilderLine {
	out := make([]views.BuilderLine, 0, len(lines))
	for i, l := range lines {
		prefix := "items." + strconv.Itoa(i) + "."
		v := views.BuilderLine{Index: i, Product: l.product, Title: productTitle(l.product), Error: problems["items["+strconv.Itoa(i)+"].product"]}
		for _, name := range pricing.FieldNames(l.product) {
			f := views.Field{Name: prefix + name, Label: fieldLabels[name], Value: l.values[name],
				Error: problems["items["+strconv.Itoa(i)+"]."+name]}
			switch name {
			case "region":
				f.Options = h.regionOptions(l.product == pricing.ProductSSM)
			case "edition":
				for _, e := range h.bk().SSM.Editions {
					f.Options = append(f.Options, views.Option{Value: e.ID, Label: e.Name})
				}
			case "billing":
				f.Options = []views.Option{{Value: pricing.BillingMonthly, Label: "Monthly"}, {Value: pricing.BillingAnnual, Label: "Annual"}}
			case "term_months":
				for m := h.bk().SSM.MonthlyTermMonths.Min; m <= h.bk().SSM.MonthlyTermMonths.Max; m++ {
					f.Options = append(f.Options, views.Option{Value: strconv.FormatInt(m, 10), Label: strconv.FormatInt(m, 10) + " (monthly)",
						Group: termGroups[pricing.BillingMonthly]})
				}
				for _, m := range h.bk().SSM.AnnualTermMonths {
					years := strconv.FormatInt(m/12, 10) + " years"
					if m == 12 {
						years = "1 year"
					}
					f.Options = append(f.Options, views.Option{Value: strconv.FormatInt(m, 10), Label: strconv.FormatInt(m, 10) + " (" + years + ")",
						Group: termGroups[pricing.BillingAnnual]})
				}
			}
			v.Fields = append(v.Fields, f)
		}
		out = append(out, v)
	}
	return out
}

// termGroups are the builder's groups of terms, one per billing mode: each label
// starts with its mode's name, by which the page script offers only the terms of the
// mode chosen.
var termGroups = map[string]string{pricing.BillingMonthly: "Monthly billing", pricing.BillingAnnual: "Annual billing"}

func productTitle(product string) string {
	switch product {
	case pricing.ProductSSM:
		return "Secrets Manager (new billing)"
	case pricing.ProductKMS:
		return "Key Management Service"
	case pricing.ProductLegacy:
		return "Secrets Manager, old billing (comparison only)"
	}
	return "Unknown product"
}

// problemsOf maps a validation error to field paths ("items[1].credentials").
func problemsOf(err error) map[string]string {
	out := map[string]string{}
	if ve, ok := err.(*pricing.ValidationError); ok {
		for _, p := range ve.Problems {
			if _, seen := out[p.Field]; !seen {
				out[p.Field] = capitalize(p.Message)
			}
		}
	}
	return out
}
