package pricing

import "fmt"

// notes are the sentences a quote can carry that depend only on the price book; they
// are written once per book, not once per quote.
type notes struct {
	ssmWholePackages, ssmNoAnnualDiscount            Notice
	kmsFreeTier, kmsMinimum, kmsDays, kmsQuotaPriced Notice
	legacyMinimum, legacyNotOrderable                Notice
	rounding, ssmKMSCharges, ssmKMSChargesEstimated  Notice
	ssmUpfront, paygMonthly                          Notice
	ssmPackageLine, ssmQPSLine                       []string // by edition; QPS line
	kmsCalls, legacyCalls                            callTexts
	srcPackages                                      string
}

func (b *Book) writeNotes() {
	ed := b.SSM.Editions[0]
	c, l := b.KMS.APICalls, b.Legacy.APICalls
	b.notes = notes{
		ssmWholePackages: Notice{"ssm_whole_packages", fmt.Sprintf(
			"Credentials are sold in whole %s packages of %s, each with %s QPS: 2,500 credentials need 3 packages.",
			ed.Name, count(ed.CredentialsPerPackage), count(ed.QPSPerPackage))},
		ssmNoAnnualDiscount: Notice{"ssm_no_annual_discount",
			"The purchase guide gives no annual discount: a year costs 12 months, and the whole term is paid up front."},
		kmsFreeTier: Notice{"kms_free_tier_per_account", fmt.Sprintf(
			"The %s free KMS API calls a month belong to the account: calls in every region are added up and the free tier is applied once.",
			count(c.FreePerMonth))},
		kmsMinimum: Notice{"kms_minimum_after_free_tier", fmt.Sprintf(
			"The %s-call minimum applies to billable calls after the free tier: no billable calls cost nothing, 1 to %s are billed as %s.",
			count(c.MinimumBilled), count(c.MinimumBilled-1), count(c.MinimumBilled))},
		kmsDays: Notice{"kms_days", fmt.Sprintf(
			"Key storage is billed by the day; a month is estimated at %d days unless another number of days is given.", DefaultDays)},
		kmsQuotaPriced: Notice{"kms_quota_priced",
			"A quote above the KMS key quota is still priced; an order for it records that a quota increase is required."},
		legacyMinimum: Notice{"legacy_minimum_per_region", fmt.Sprintf(
			"Old-billing API calls are counted per region; a region with fewer than %s calls is billed for %s, and a region with no calls costs nothing.",
			count(l.MinimumBilled), count(l.MinimumBilled))},
		legacyNotOrderable: Notice{"legacy_not_orderable",
			"Old billing is for existing customers only: it can be estimated and compared, never ordered."},
		rounding: Notice{"rounding",
			"Each line is computed exactly and rounded half-up to the cent; totals are the sums of the rounded lines, as on an invoice."},
		ssmKMSCharges: Notice{"ssm_kms_charges",
			"Secrets Manager encrypts with KMS keys, which can add KMS charges: add a KMS item to estimate them."},
		ssmKMSChargesEstimated: Notice{"ssm_kms_charges",
			"Secrets Manager encrypts with KMS keys, which can add KMS charges (estimated in the KMS item)."},
		ssmUpfront: Notice{"ssm_upfront",
			"Secrets Manager subscriptions are paid up front for the whole term, once the order is confirmed."},
		paygMonthly: Notice{"payg_monthly",
			"Pay-as-you-go charges of a month are settled on the 3rd to 5th day of the following month."},
		ssmQPSLine: []string{fmt.Sprintf("Compute performance units, %s QPS each", count(b.SSM.QPSUnit.QPS))},
	}
	b.notes.kmsCalls = newCallTexts(c, "")
	b.notes.kmsCalls.source = b.SourceText("kms.api_calls.price") + " " + b.SourceText("kms.api_calls.free_per_month") +
		" " + b.SourceText("kms.api_calls.minimum_billed")
	b.notes.legacyCalls = newCallTexts(l, " per region")
	b.notes.legacyCalls.source = b.SourceText("ssm_legacy.api_calls.price") + " " + b.SourceText("ssm_legacy.api_calls.minimum_billed")
	b.notes.srcPackages = b.SourceText("ssm.editions.monthly") + " " + b.SourceText("ssm.packages")
	for _, e := range b.SSM.Editions {
		b.notes.ssmPackageLine = append(b.notes.ssmPackageLine, fmt.Sprintf(
			"%s, %s credentials and %s QPS each", e.Name, count(e.CredentialsPerPackage), count(e.QPSPerPackage)))
	}
}

// explain adds to a quote the assumptions it relies on (each decision of PRICING.md
// that applies), its warnings, and when it is paid.
func (b *Book) explain(q *Quote, a *accountUsage) {
	n := &b.notes
	q.Assumptions = make([]Notice, 0, 8)
	q.Warnings = make([]Notice, 0, 4)
	q.Settlement = make([]Notice, 0, 2)
	if a.hasSSM {
		q.Assumptions = append(q.Assumptions, n.ssmWholePackages, n.ssmNoAnnualDiscount)
	}
	if a.hasKMS {
		q.Assumptions = append(q.Assumptions, n.kmsFreeTier, n.kmsMinimum, n.kmsDays)
	}
	if a.hasLegacy {
		q.Assumptions = append(q.Assumptions, n.legacyMinimum)
	}
	q.Assumptions = append(q.Assumptions, n.rounding)

	quota := b.KMS.CustomerKeyQuotaPerRegion
	for _, rc := range a.customerKeys {
		if rc.n > quota {
			region, _ := b.Region(rc.region)
			q.QuotaIncreaseRequired = true
			q.Warnings = append(q.Warnings, Notice{"kms_quota_exceeded", fmt.Sprintf(
				"%s customer managed CMKs in %s exceed the quota of %s per region: a quota increase is needed (submit a ticket or contact sales).",
				count(rc.n), region.Name, count(quota))})
		}
	}
	if q.QuotaIncreaseRequired {
		q.Assumptions = append(q.Assumptions, n.kmsQuotaPriced)
	}
	if a.hasLegacy {
		q.Warnings = append(q.Warnings, n.legacyNotOrderable)
		if a.legacyCredentials > b.Legacy.CredentialQuota {
			q.Warnings = append(q.Warnings, Notice{"legacy_quota_exceeded", fmt.Sprintf(
				"%s old-billing credentials exceed the quota of %s per account: more need a quota increase (submit a ticket or contact sales).",
				count(a.legacyCredentials), count(b.Legacy.CredentialQuota))})
		}
	}
	switch {
	case (a.hasSSM || a.hasLegacy) && a.hasKMS:
		q.Warnings = append(q.Warnings, n.ssmKMSChargesEstimated)
	case a.hasSSM || a.hasLegacy:
		q.Warnings = append(q.Warnings, n.ssmKMSCharges)
	}

	if a.hasSSM {
		q.Settlement = append(q.Settlement, n.ssmUpfront)
	}
	if a.hasKMS || a.hasLegacy {
		q.Settlement = append(q.Settlement, n.paygMonthly)
	}
}
