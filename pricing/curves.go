package pricing

import "github.com/shopspring/decimal"

// Curves are the monthly costs of old and new SSM billing against the number of
// credentials, for a chart: old billing is a straight line (a price per credential
// plus the calls; with calls estimated per credential it is straight to within a few
// cents of rounding), new billing a step per package (plus the QPS units).
type Curves struct {
	MaxCredentials int64 `json:"max_credentials"`
	// Old is the old billing's monthly cost at 0 and at MaxCredentials credentials.
	OldAtZero decimal.Decimal `json:"old_at_zero"`
	OldAtMax  decimal.Decimal `json:"old_at_max"`
	// NewSteps[k] is the new billing's monthly cost for k+1 packages.
	NewSteps []decimal.Decimal `json:"new_steps"`
	// PerPackage is the credentials of a package (the width of a step).
	PerPackage int64 `json:"per_package"`
	// Cheaper are the credential counts at which new billing costs less.
	Cheaper []CredentialRange `json:"cheaper"`
}

// BillingCurves draws old against new billing in a region for up to `packages`
// packages' worth of credentials.
func (b *Book) BillingCurves(region string, qpsUnits int64, calls Calls, packages int64) (Curves, bool) {
	r, ok := b.Region(region)
	if !ok || packages < 1 {
		return Curves{}, false
	}
	ed := b.SSM.Editions[0]
	c := Curves{
		MaxCredentials: packages * ed.CredentialsPerPackage,
		PerPackage:     ed.CredentialsPerPackage,
		OldAtZero:      b.oldBilling(0, calls),
		Cheaper:        b.NewBillingCheaper(region, qpsUnits, calls, packages),
	}
	c.OldAtMax = b.oldBilling(c.MaxCredentials, calls)
	qps := decimal.NewFromInt(qpsUnits).Mul(b.SSM.QPSUnit.Monthly[r.SSMGroup])
	for k := int64(1); k <= packages; k++ {
		c.NewSteps = append(c.NewSteps, decimal.NewFromInt(k).Mul(ed.Monthly[r.SSMGroup]).Add(qps))
	}
	return c, true
}
