package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The rules' edges, each priced on both sides: where the old-billing quota, the KMS
// free tier or an input's bound starts to apply. (The KMS key quota's edge, 200 and
// 201 keys in a region, is in TestKMSQuotaIsSummedPerRegion.)

func TestLegacyQuotaWarnsFromTheThousandAndFirstCredential(t *testing.T) {
	if q := mustQuote(t, legacy("ap-beijing", 600, 0), legacy("ap-tokyo", 400, 0)); hasNotice(q.Warnings, "legacy_quota_exceeded") {
		t.Error("1,000 old-billing credentials are within the account quota")
	}
	// The quota is the account's: credentials in every region count together.
	if q := mustQuote(t, legacy("ap-beijing", 600, 0), legacy("ap-tokyo", 401, 0)); !hasNotice(q.Warnings, "legacy_quota_exceeded") {
		t.Error("1,001 old-billing credentials across two regions exceed the account quota")
	}
	if q := mustQuote(t, legacy("ap-beijing", 1_000, 0)); hasNotice(q.Warnings, "legacy_quota_exceeded") {
		t.Error("1,000 old-billing credentials in one region are within the account quota")
	}
	q := mustQuote(t, legacy("ap-beijing", 1_001, 0))
	if !hasNotice(q.Warnings, "legacy_quota_exceeded") {
		t.Fatal("1,001 old-billing credentials in one region exceed the account quota")
	}
	for _, w := range q.Warnings {
		// The guide says what to do: a ticket, or the sales representative.
		if w.Code == "legacy_quota_exceeded" && !strings.Contains(w.Text, "submit a ticket or contact sales") {
			t.Errorf("the quota warning %q does not say how to get more", w.Text)
		}
	}
}

func TestKMSFreeTierSplitExactlyAcrossRegions(t *testing.T) {
	// 10,000 + 10,000: the whole free tier, nothing billable.
	q := mustQuote(t, kms("ap-beijing", 0, 0, 0, 10_000), kms("ap-tokyo", 0, 0, 0, 10_000))
	assertMoney(t, "monthly at exactly the free tier", q.Totals.Monthly, "0")
	// One call more, in either region: 1 billable call, billed as the 1,000-call
	// minimum, 0.018 rounded half-up to 0.02.
	for _, items := range [][]Item{
		{kms("ap-beijing", 0, 0, 0, 10_001), kms("ap-tokyo", 0, 0, 0, 10_000)},
		{kms("ap-beijing", 0, 0, 0, 10_000), kms("ap-tokyo", 0, 0, 0, 10_001)},
	} {
		q := mustQuote(t, items...)
		assertMoney(t, "monthly one call past the free tier", q.Totals.Monthly, "0.02")
		if len(q.AccountLines) != 1 || !q.AccountLines[0].Quantity.Equal(d("0.1")) {
			t.Errorf("one call past the free tier: account lines %+v, want one of 0.1 (the 1,000-call minimum)", q.AccountLines)
		}
	}
}

func TestInputsAtTheirBoundsArePricedAndOneMoreIsRefused(t *testing.T) {
	at := map[string]Item{
		"qps_units":             ssm("ap-beijing", 1, 10_000, BillingMonthly, 1),
		"credentials":           ssm("ap-beijing", 1_000_000, 0, BillingMonthly, 1),
		"customer_keys":         kms("ap-beijing", 1_000_000, 0, 0, 0),
		"managed_keys":          kms("ap-beijing", 0, 1_000_000, 0, 0),
		"pending_deletion_keys": kms("ap-beijing", 0, 0, 1_000_000, 0),
		"api_calls":             kms("ap-beijing", 0, 0, 0, 1_000_000_000_000),
	}
	want := map[string]string{
		"qps_units":             "920366.00",  // 366 + 92 × 10,000 (group I)
		"credentials":           "366000.00",  // 1,000 packages × 366
		"customer_keys":         "1800000.00", // 1,000,000 × 0.06 × 30
		"managed_keys":          "0",
		"pending_deletion_keys": "0",
		"api_calls":             "17999999.64", // (10^12 − 20,000) ÷ 10,000 × 0.18
	}
	for name, it := range at {
		q, err := Compute(mustBook(t), Request{Items: []Item{it}})
		if err != nil {
			t.Errorf("%s at its bound: %v", name, err)
			continue
		}
		assertMoney(t, name+" at its bound, monthly", q.Totals.Monthly, want[name])

		// One more, as the API receives it: refused at the field, by the decoder or
		// by validation, whichever comes first.
		over := it
		over.setCount(name, it.count(name)+1)
		body, err := json.Marshal(Request{Items: []Item{over}})
		if err != nil {
			t.Fatal(err)
		}
		req, err := DecodeRequest(bytes.NewReader(body))
		if err == nil {
			_, err = Compute(mustBook(t), req)
		}
		// Compute is also given the item as it is, without the decoder.
		_, direct := Compute(mustBook(t), Request{Items: []Item{over}})
		for _, err := range []error{err, direct} {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "items[0]."+name ||
				!strings.HasPrefix(ve.Problems[0].Message, "must be at most ") {
				t.Errorf("%s one past its bound: %v, want one problem at the field", name, err)
			}
		}
	}
}
