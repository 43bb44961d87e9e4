package pricing

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// validate checks a request against the price book and returns every problem, each
// with the field path a form or a script can point at ("items[2].credentials").
func validate(b *Book, req Request) error {
	var p problems
	switch n := len(req.Items); {
	case n == 0:
		p.add("items", "add at least one item to price")
	case n > MaxItems:
		p.add("items", fmt.Sprintf("a quote can have at most %d items, not %d", MaxItems, n))
		return p.err()
	}
	for i, it := range req.Items {
		var ip problems
		validateItem(b, it, &ip)
		// Problems read in form order, whichever check found them.
		sort.SliceStable(ip, func(x, y int) bool { return fieldRank(ip[x].Field) < fieldRank(ip[y].Field) })
		prefix := "items[" + strconv.Itoa(i) + "]."
		for _, pr := range ip {
			p.add(prefix+pr.Field, pr.Message)
		}
	}
	return p.err()
}

// retellTooLongTerm replaces the term's general bound ("must be at most 36"), which
// a monthly term would read as allowed up to 36, with the terms of its billing.
func retellTooLongTerm(p *problems, msg string) {
	for i, pr := range *p {
		if pr.Field == "term_months" && pr.Message == fields["term_months"].tooBigMessage() {
			(*p)[i].Message = msg
		}
	}
}

// validateItem checks one item; field names in its problems are relative to the item.
func validateItem(b *Book, it Item, p *problems) {
	*p = append(*p, it.invalid...)
	// check reports a failed condition, once per field: what the decoder could not
	// read is not checked again.
	check := func(name string, ok bool, msg string) {
		if ok {
			return
		}
		for _, pr := range *p {
			if pr.Field == name {
				return
			}
		}
		p.add(name, msg)
	}
	if _, known := productNames[it.Product]; !known {
		if it.Product == "" {
			check("product", false, "is required: ssm, kms or ssm_legacy")
		} else {
			check("product", false, fmt.Sprintf("%q is not a product; use ssm, kms or ssm_legacy", it.Product))
		}
		return
	}
	if it.Region == "" {
		check("region", false, "is required: "+regionList(b))
	} else if _, ok := b.Region(it.Region); !ok {
		check("region", false, fmt.Sprintf("%q is not a region we sell in; use one of %s", it.Region, regionList(b)))
	}
	// Counts that arrive through the decoders are already bounded; Go callers are
	// checked here against the same bounds.
	for _, name := range FieldNames(it.Product) {
		f := fields[name]
		if !f.count {
			continue
		}
		switch n := it.count(name); {
		case n < 0:
			check(name, false, "must not be negative")
		case n > f.max:
			check(name, false, f.tooBigMessage())
		}
	}
	switch it.Product {
	case ProductSSM:
		if it.Edition != "" {
			if _, ok := b.Edition(it.Edition); !ok {
				check("edition", false, fmt.Sprintf("%q is not an edition; use %s", it.Edition, editionList(b)))
			}
		}
		check("credentials", it.Credentials >= 1, "must be at least 1: Secrets Manager is bought for one credential or more")
		switch it.Billing {
		case BillingMonthly:
			// A term the decoder refused is 0 here, so out of range too.
			if mt := b.SSM.MonthlyTermMonths; it.TermMonths < mt.Min || it.TermMonths > mt.Max {
				msg := fmt.Sprintf("a monthly term is %d to %d months", mt.Min, mt.Max)
				check("term_months", false, msg)
				retellTooLongTerm(p, msg)
			}
		case BillingAnnual:
			if !containsInt(b.SSM.AnnualTermMonths, it.TermMonths) {
				msg := "an annual term is " + annualTerms(b)
				check("term_months", false, msg)
				retellTooLongTerm(p, msg)
			}
		case "":
			check("billing", false, "is required: monthly or annual")
		default:
			check("billing", false, fmt.Sprintf("%q is not a billing mode; use monthly or annual", it.Billing))
		}
	case ProductKMS:
		if it.Days != 0 {
			check("days", it.Days >= 1 && it.Days <= 31, "must be from 1 to 31")
		}
	}
}

func fieldRank(name string) int {
	for i, n := range fieldOrder {
		if n == name {
			return i
		}
	}
	return len(fieldOrder)
}

func (it Item) count(name string) int64 {
	switch name {
	case "credentials":
		return it.Credentials
	case "qps_units":
		return it.QPSUnits
	case "term_months":
		return it.TermMonths
	case "customer_keys":
		return it.CustomerKeys
	case "managed_keys":
		return it.ManagedKeys
	case "pending_deletion_keys":
		return it.PendingDeletionKeys
	case "api_calls":
		return it.APICalls
	case "days":
		return it.Days
	}
	return 0
}

func regionList(b *Book) string {
	ids := make([]string, len(b.Regions))
	for i, r := range b.Regions {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

func editionList(b *Book) string {
	ids := make([]string, len(b.SSM.Editions))
	for i, e := range b.SSM.Editions {
		ids[i] = e.ID
	}
	return strings.Join(ids, ", ")
}

// annualTerms reads "12, 24 or 36 months".
func annualTerms(b *Book) string {
	t := b.SSM.AnnualTermMonths
	parts := make([]string, len(t))
	for i, m := range t {
		parts[i] = strconv.FormatInt(m, 10)
	}
	if len(parts) == 1 {
		return parts[0] + " months"
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1] + " months"
}

func containsInt(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// groupThousands puts commas in a run of digits: "1000000" reads "1,000,000".
func groupThousands(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	out := make([]byte, 0, len(sign)+len(digits)+len(digits)/3)
	out = append(out, sign...)
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, digits[i])
	}
	return string(out)
}
