package pricing

import "github.com/shopspring/decimal"

// CredentialRange is a run of credential counts, From and To included.
type CredentialRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// NewBillingCheaper answers an existing customer's question "from how many
// credentials is the new billing cheaper than the old one?" for a region, a number of
// QPS units on the new billing and a monthly number of API calls on the old one. It
// returns, within the first `packages` Enterprise packages, the credential counts at
// which the new billing's monthly cost is below the old billing's.
//
// New billing is a step (a whole package per 1,000 credentials) and old billing a
// slope (a price per credential), so the answer is a run within each package, not a
// single threshold. Both costs are computed as Compute would compute them, with
// the same rounding of each line.
func (b *Book) NewBillingCheaper(region string, qpsUnits, apiCalls int64, packages int64) []CredentialRange {
	r, ok := b.Region(region)
	if !ok || packages < 1 {
		return nil
	}
	ed := b.SSM.Editions[0]
	per := ed.CredentialsPerPackage
	calls := b.callLine("", apiCalls, b.Legacy.APICalls, &b.notes.legacyCalls).Amount
	old := func(c int64) decimal.Decimal {
		return decimal.NewFromInt(c).Mul(b.Legacy.CredentialPerMonth).Round(2).Add(calls)
	}
	qps := decimal.NewFromInt(qpsUnits).Mul(b.SSM.QPSUnit.Monthly[r.SSMGroup])
	var out []CredentialRange
	for k := int64(1); k <= packages; k++ {
		lo, hi := (k-1)*per+1, k*per
		newCost := decimal.NewFromInt(k).Mul(ed.Monthly[r.SSMGroup]).Add(qps)
		if !old(hi).GreaterThan(newCost) {
			continue // old billing grows with credentials: if it is not dearer at the top, it never is
		}
		// The first count where old billing costs more: solve price x c > new - calls,
		// then step over any rounding at the edge.
		c := newCost.Sub(calls).Div(b.Legacy.CredentialPerMonth).Floor().IntPart() + 1
		c = max(lo, min(c, hi))
		for c > lo && old(c-1).GreaterThan(newCost) {
			c--
		}
		for c < hi && !old(c).GreaterThan(newCost) {
			c++
		}
		out = append(out, CredentialRange{From: c, To: hi})
	}
	return out
}
