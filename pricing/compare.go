package pricing

import "github.com/shopspring/decimal"

// CredentialRange is a run of credential counts, From and To included.
type CredentialRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Calls is an old-billing customer's API calls a month: a count whatever the number
// of credentials, plus a count for each credential (calls estimated per credential,
// which grow with the credentials compared).
type Calls struct {
	Monthly       int64 `json:"monthly"`
	PerCredential int64 `json:"per_credential"`
}

// at is the calls a month with the given number of credentials, at most the most a
// month can hold (which no comparison reaches in practice).
func (c Calls) at(credentials int64) int64 {
	const most = 1 << 50
	if c.PerCredential > 0 && credentials > (most-c.Monthly)/c.PerCredential {
		return most
	}
	return c.Monthly + c.PerCredential*credentials
}

// NewBillingCheaper answers an existing customer's question "from how many
// credentials is the new billing cheaper than the old one?" for a region, a number of
// QPS units on the new billing and the API calls on the old one. It returns, within
// the first `packages` Enterprise packages, the credential counts at which the new
// billing's monthly cost is below the old billing's, as runs of consecutive counts.
//
// New billing is a step (a whole package per 1,000 credentials) and old billing a
// slope (a price per credential, and the calls that grow with them), so the answer is
// a run within each package, not a single threshold. Both costs are computed as
// Compute would compute them, with the same rounding of each line.
func (b *Book) NewBillingCheaper(region string, qpsUnits int64, calls Calls, packages int64) []CredentialRange {
	r, ok := b.Region(region)
	if !ok || packages < 1 {
		return nil
	}
	ed := b.SSM.Editions[0]
	per := ed.CredentialsPerPackage
	old := func(c int64) decimal.Decimal { return b.oldBilling(c, calls) }
	qps := decimal.NewFromInt(qpsUnits).Mul(b.SSM.QPSUnit.Monthly[r.SSMGroup])
	var out []CredentialRange
	for k := int64(1); k <= packages; k++ {
		lo, hi := (k-1)*per+1, k*per
		newCost := decimal.NewFromInt(k).Mul(ed.Monthly[r.SSMGroup]).Add(qps)
		if !old(hi).GreaterThan(newCost) {
			continue // old billing grows with credentials: if it is not dearer at the top, it never is
		}
		// The first count where old billing costs more, by halving [lo, hi]: old(hi)
		// is more, and old billing never falls as credentials grow.
		for lo < hi {
			mid := lo + (hi-lo)/2
			if old(mid).GreaterThan(newCost) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if n := len(out); n > 0 && out[n-1].To == lo-1 {
			out[n-1].To = k * per // one run across the packages' edge
			continue
		}
		out = append(out, CredentialRange{From: lo, To: k * per})
	}
	return out
}

// oldBilling is the old billing's monthly cost of the credentials and their calls,
// rounded line by line as Compute rounds them.
func (b *Book) oldBilling(credentials int64, calls Calls) decimal.Decimal {
	return decimal.NewFromInt(credentials).Mul(b.Legacy.CredentialPerMonth).Round(2).
		Add(b.callLine("", calls.at(credentials), b.Legacy.APICalls, &b.notes.legacyCalls).Amount)
}
