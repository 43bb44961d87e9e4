package handlers

import (
	"strconv"
	"strings"

	"kmsconsole/pricing"
	"kmsconsole/views"
)

// callUnits are the units API calls can be typed in; per credential per day is how
// the old billing's worked example counts them.
var callUnits = []struct{ unit, label, fieldLabel string }{
	{pricing.PerMonth, "per month", "API calls per month"},
	{pricing.PerDay, "per day", "API calls per day"},
	{pricing.PerSecond, "per second", "API calls per second"},
	{pricing.PerCredentialPerDay, "per credential per day", "API calls per credential per day"},
}

// callsField is the API calls field, labelled with the unit chosen.
func callsField(f form, errs map[string]string, hint string, perCredential bool) views.Field {
	label := callUnits[0].fieldLabel
	for _, u := range callUnits {
		if u.unit == f.value("api_calls_unit") && (perCredential || u.unit != pricing.PerCredentialPerDay) {
			label = u.fieldLabel
		}
	}
	return views.Field{Name: "api_calls", Label: label, Value: f.value("api_calls"), Error: errs["api_calls"], Hint: hint}
}

// callsUnitField is the select of the unit; perCredential offers calls per
// credential per day (old billing, which prices credentials).
func callsUnitField(f form, perCredential bool) views.Field {
	u := views.Field{Name: "api_calls_unit", Label: "Unit of the API calls", Value: f.value("api_calls_unit")}
	for _, c := range callUnits {
		if c.unit == pricing.PerCredentialPerDay && !perCredential {
			continue
		}
		u.Options = append(u.Options, views.Option{Value: c.unit, Label: c.label})
	}
	return u
}

// monthlyCalls converts the API calls typed in their unit to the month the engine
// prices, a month of days days (0: the default 30), and says what it counted
// ("Counted as 60,000 calls a month (30 days)."). What cannot be read at all is left
// for the engine to report on the field; a count that reads but cannot be converted
// (too many for a month, an unknown unit) is a problem.
func monthlyCalls(f form, credentials, days int64) (priced form, note, problem string) {
	n, msg := pricing.ParseCount("api_calls", f.value("api_calls"))
	if msg != "" {
		// A blank count is no calls to the engine, but its unit must still be one.
		if strings.TrimSpace(f.value("api_calls")) == "" {
			if _, msg := pricing.MonthlyCalls(0, f.value("api_calls_unit"), credentials, days); msg != "" {
				return f, "", capitalize(msg)
			}
		}
		return f, "", ""
	}
	monthly, msg := pricing.MonthlyCalls(n, f.value("api_calls_unit"), credentials, days)
	if msg != "" {
		return f, "", capitalize(msg)
	}
	priced = form{q: cloneWith(f.q, "api_calls", strconv.FormatInt(monthly, 10)), defaults: f.defaults}
	if u := f.value("api_calls_unit"); u == pricing.PerMonth || u == "" {
		return priced, "Counted as " + views.Count(monthly) + " calls a month.", ""
	}
	if days <= 0 {
		days = pricing.DefaultDays
	}
	return priced, "Counted as " + views.Count(monthly) + " calls a month (" + views.Count(days) + " days).", ""
}

// kmsMonthlyCalls is monthlyCalls for KMS, which has no credentials to count calls
// per: a count per credential is a problem, not 0 calls.
func kmsMonthlyCalls(f form) (priced form, note, problem string) {
	if v := f.value("api_calls"); strings.TrimSpace(v) != "" {
		if _, msg := pricing.ParseCount("api_calls", v); msg != "" {
			return f, "", "" // the engine says what is wrong with the count
		}
	}
	switch u := f.value("api_calls_unit"); u {
	case pricing.PerMonth, pricing.PerDay, pricing.PerSecond, "":
		return monthlyCalls(f, 0, kmsDays(f))
	case pricing.PerCredentialPerDay:
		return f, "", "Calls per credential are for Secrets Manager's old billing: count these a month, a day or a second"
	default:
		return f, "", strconv.Quote(u) + " is not a unit; use month, day or second"
	}
}

// comparedCalls are the old billing's calls as the comparison varies the credentials,
// from the month's count that monthlyCalls made for the credentials typed: typed per
// credential a day, the calls grow with the credentials (the month's count is a whole
// multiple of them); typed otherwise, they are the month's, whatever the credentials.
func comparedCalls(f form, monthly, credentials int64) pricing.Calls {
	if f.value("api_calls_unit") == pricing.PerCredentialPerDay && credentials > 0 {
		return pricing.Calls{PerCredential: monthly / credentials}
	}
	return pricing.Calls{Monthly: monthly}
}

// kmsDays is the month the KMS form estimates: its Days field when that is a valid
// number of days, else 0 (the default month; a bad value gets its own message).
func kmsDays(f form) int64 {
	d, msg := pricing.ParseCount("days", f.value("days"))
	if msg != "" || d < 1 {
		return 0
	}
	return d
}

// addErrors adds messages for fields that have none yet.
func addErrors(errs, more map[string]string) {
	for name, msg := range more {
		if _, ok := errs[name]; !ok {
			errs[name] = msg
		}
	}
}
