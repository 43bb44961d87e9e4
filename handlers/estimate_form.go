package handlers

import (
	"net/url"
	"strings"

	"kmsconsole/pricing"
	"kmsconsole/views"
)

// form reads an estimator's query string: a field left out of the URL takes its
// default, a field present but blank stays blank (and gets a message if required).
type form struct {
	q        url.Values
	defaults map[string]string
}

func (f form) value(name string) string {
	if !f.q.Has(name) {
		return f.defaults[name]
	}
	return f.q.Get(name)
}

// item reads one pricing item from the form; rename maps a pricing field name to the
// form's name where they differ.
func (f form) item(product string, rename map[string]string) pricing.Item {
	return pricing.ParseItem(product, func(name string) pricing.Value {
		formName := name
		if n, ok := rename[name]; ok {
			formName = n
		}
		v := f.value(formName)
		return pricing.Value{Text: v, Present: strings.TrimSpace(v) != ""}
	})
}

// fieldErrors maps the problems of a one-item request onto form field names.
func fieldErrors(err error, rename map[string]string) map[string]string {
	out := map[string]string{}
	ve, ok := err.(*pricing.ValidationError)
	if !ok {
		return out
	}
	for _, p := range ve.Problems {
		name := strings.TrimPrefix(p.Field, "items[0].")
		if n, ok := rename[name]; ok {
			name = n
		}
		if _, seen := out[name]; !seen {
			out[name] = capitalize(p.Message)
		}
	}
	return out
}

// capitalize starts a message with a capital: pricing's messages follow a field name
// ("credentials must ..."), a form shows them on their own under the label.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// quoteView is a quote panel for a computed quote, or its reason for being empty.
func quoteView(title string, q pricing.Quote, err error) views.QuoteView {
	if err != nil {
		return views.QuoteView{Title: title, Empty: "Correct the highlighted fields to see a quote."}
	}
	return views.QuoteView{Title: title, Quote: &q}
}

func (h *Handlers) regionOptions(grouped bool) []views.Option {
	opts := make([]views.Option, 0, len(h.bk().Regions))
	if !grouped {
		for _, r := range h.bk().Regions {
			opts = append(opts, views.Option{Value: r.ID, Label: r.Name})
		}
		return opts
	}
	for _, g := range h.bk().SSMGroups {
		for _, r := range h.bk().Regions {
			if r.SSMGroup == g.ID {
				opts = append(opts, views.Option{Value: r.ID, Label: r.Name, Group: g.Name})
			}
		}
	}
	return opts
}

// cloneWith returns a copy of q with name set to value.
func cloneWith(q url.Values, name, value string) url.Values {
	c := make(url.Values, len(q)+1)
	for k, v := range q {
		c[k] = v
	}
	c.Set(name, value)
	return c
}

// regionTable prices the item in every region, each row linking to the estimator at
// path with the same inputs in that region.
func (h *Handlers) regionTable(path string, q url.Values, item pricing.Item) *views.RegionTable {
	prices, same, err := h.bk().CompareRegions(item)
	if err != nil {
		return nil
	}
	t := &views.RegionTable{Same: same, Rows: make([]views.RegionRow, 0, len(prices))}
	link := regionLinks(path, q)
	for _, p := range prices {
		t.Rows = append(t.Rows, views.RegionRow{
			Name: p.Name, Group: p.GroupName, Monthly: views.Money(p.Monthly), Upfront: views.Money(p.Upfront),
			Href: link(p.Region), Current: p.Region == item.Region, Cheapest: p.Cheapest,
		})
	}
	return t
}

// regionLinks returns the link to the estimator at path with the query q in a given
// region: path + "?" + q with region set, encoded. The links differ only in the
// region, so q is encoded once, around a placeholder (NUL, which the text guard keeps
// out of any query), instead of copied and encoded for every row.
func regionLinks(path string, q url.Values) func(region string) string {
	const placeholder = "region=%00" // url.Values encodes "\x00" as %00
	encoded := cloneWith(q, "region", "\x00").Encode()
	// Keys are sorted and unique, and '&' and '=' in values are escaped, so the region
	// pair is the one at the start or after an '&'.
	i := -1
	if strings.HasPrefix(encoded, placeholder) {
		i = 0
	} else if j := strings.Index(encoded, "&"+placeholder); j >= 0 {
		i = j + 1
	}
	if i < 0 { // not reached: the pair is always there
		return func(region string) string { return path + "?" + cloneWith(q, "region", region).Encode() }
	}
	head, tail := path+"?"+encoded[:i]+"region=", encoded[i+len(placeholder):]
	return func(region string) string { return head + url.QueryEscape(region) + tail }
}
