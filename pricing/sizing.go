package pricing

import (
	"strconv"
)

// Needs are what a customer knows about their Secrets Manager use: how many secrets
// they will store and their peak queries per second.
type Needs struct {
	Secrets int64 `json:"secrets"`
	PeakQPS int64 `json:"peak_qps"`
}

// maxSecrets bounds Needs.Secrets: the most credentials the engine prices. The peak
// is bounded by what those secrets' packages and the most QPS units the engine prices
// can serve together (SizeFromNeeds), so that every sizing can be priced.
const maxSecrets = 1_000_000

// Sizing is the cheapest SSM configuration that covers some needs, and why.
type Sizing struct {
	Credentials int64 `json:"credentials"`
	QPSUnits    int64 `json:"qps_units"`
	Packages    int64 `json:"packages"`
	TotalQPS    int64 `json:"total_qps"`
	// Reason says in one sentence how the needs became this configuration.
	Reason string `json:"reason"`
}

// SizeFromNeeds picks the cheapest configuration of an edition that stores the
// secrets and serves the peak: whole packages for the secrets (each with its QPS),
// then QPS units for the rest of the peak. Buying QPS units is always cheaper than
// buying a package for its QPS (a unit costs less than a package in every group), so
// no other mix is cheaper. Problems name the fields "secrets" and "peak_qps".
func (b *Book) SizeFromNeeds(edition string, n Needs) (Sizing, error) {
	var p problems
	switch {
	case n.Secrets < 1:
		p.add("secrets", "must be at least 1")
	case n.Secrets > maxSecrets:
		p.add("secrets", "must be at most "+count(maxSecrets))
	}
	if n.PeakQPS < 0 {
		p.add("peak_qps", "must not be negative")
	}
	ed := &b.SSM.Editions[0]
	if edition != "" {
		e, ok := b.Edition(edition)
		if !ok {
			p.add("edition", strconv.Quote(edition)+" is not an edition; use "+editionList(b))
		} else {
			ed = e
		}
	}
	if err := p.err(); err != nil {
		return Sizing{}, err
	}
	packages := ceilDiv(n.Secrets, ed.CredentialsPerPackage)
	included := packages * ed.QPSPerPackage
	if most := included + fields["qps_units"].max*b.SSM.QPSUnit.QPS; n.PeakQPS > most {
		p.add("peak_qps", "must be at most "+count(most)+" for "+plural(n.Secrets, "secret", "secrets")+": "+
			plural(packages, "package", "packages")+" and "+count(fields["qps_units"].max)+" QPS units, the most one subscription has")
		return Sizing{}, p.err()
	}
	units := ceilDiv(max(0, n.PeakQPS-included), b.SSM.QPSUnit.QPS)
	s := Sizing{
		Credentials: n.Secrets,
		QPSUnits:    units,
		Packages:    packages,
		TotalQPS:    included + units*b.SSM.QPSUnit.QPS,
	}
	s.Reason = count(n.Secrets) + " " + noun(n.Secrets, "secret needs ", "secrets need ") + plural(packages, "package", "packages") +
		noun(packages, ", which includes ", ", which include ") + count(included) + " QPS; "
	if units == 0 {
		s.Reason += "a peak of " + count(n.PeakQPS) + " QPS needs no more QPS units."
	} else {
		s.Reason += count(n.PeakQPS) + " QPS peak needs " + count(units) + " more " + noun(units, "QPS unit.", "QPS units.")
	}
	return s, nil
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

func noun(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Units in which API calls can be entered; the engine counts calls per month.
const (
	PerMonth             = "month"
	PerDay               = "day"
	PerSecond            = "second"
	PerCredentialPerDay  = "credential-day" // old billing: each credential's calls a day
	secondsPerDay        = 86_400
	maxCallsPerMonthText = "1,000,000,000,000"
)

// MonthlyCalls converts a number of API calls in a unit to calls per month of days
// days, or of the 30-day month the guide's worked example counts (100 credentials x 20
// calls a day x 30 days) when days is 0; credentials is used by PerCredentialPerDay
// only. It fails with a message when the unit is unknown or the month would exceed the
// engine's bound.
func MonthlyCalls(n int64, unit string, credentials, days int64) (int64, string) {
	if n < 0 {
		return 0, "must not be negative"
	}
	const limit = 1_000_000_000_000
	if days <= 0 {
		days = DefaultDays
	}
	var factor int64
	switch unit {
	case PerMonth, "":
		factor = 1
	case PerDay:
		factor = days
	case PerSecond:
		factor = secondsPerDay * days
	case PerCredentialPerDay:
		factor = days * max(credentials, 0)
	default:
		return 0, strconv.Quote(unit) + " is not a unit; use month, day, second or credential-day"
	}
	if factor != 0 && n > limit/factor {
		return 0, "is more than " + maxCallsPerMonthText + " calls a month"
	}
	return n * factor, ""
}

// ParseCount reads a count typed for an input field (see [FieldNames]) as the forms
// do: digits with optional thousands separators, within the field's bounds.
// The message is "" when the count is good.
func ParseCount(name, text string) (int64, string) {
	f, ok := fields[name]
	if !ok || !f.count {
		return 0, "is not a count"
	}
	return parseTypedCount(text, f)
}
