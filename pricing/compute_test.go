package pricing

import (
	"strings"
	"testing"
)

func TestGuideWorkedExampleCosts40_30(t *testing.T) {
	// 100 credentials, each called 20 times a day for 30 days.
	q := mustQuote(t, legacy("ap-beijing", 100, 100*20*30))
	assertMoney(t, "storage", q.Items[0].Lines[0].Amount, "40.00")
	assertMoney(t, "API calls", q.AccountLines[0].Amount, "0.30")
	assertMoney(t, "monthly total", q.Totals.Monthly, "40.30")
	assertMoney(t, "upfront total", q.Totals.Upfront, "0")
	if q.Orderable || q.Items[0].Orderable {
		t.Error("old billing must never be orderable")
	}
	if !hasNotice(q.Warnings, "legacy_not_orderable") {
		t.Error("missing the legacy_not_orderable warning")
	}
}

func TestSSMWholePackagesOf1000Credentials(t *testing.T) {
	tests := []struct {
		credentials, packages, qps int64
		monthly                    string
	}{
		{1, 1, 500, "366"},
		{999, 1, 500, "366"},
		{1000, 1, 500, "366"},
		{1001, 2, 1000, "732"},
		{2500, 3, 1500, "1098"},
		{1_000_000, 1000, 500_000, "366000"},
	}
	for _, tt := range tests {
		q := mustQuote(t, ssm("ap-beijing", tt.credentials, 0, BillingMonthly, 1))
		s := q.Items[0].SSM
		if s.Packages != tt.packages || s.IncludedCredentials != tt.packages*1000 || s.TotalQPS != tt.qps {
			t.Errorf("%d credentials: sizing %+v, want %d packages and %d QPS", tt.credentials, s, tt.packages, tt.qps)
		}
		assertMoney(t, "monthly", q.Totals.Monthly, tt.monthly)
	}
}

func TestSSMRegionGroups(t *testing.T) {
	tests := []struct {
		region, group, monthly string
	}{
		{"ap-beijing", "I", "458"}, // 366 + 92
		{"ap-shanghai", "I", "458"},
		{"ap-guangzhou", "I", "458"},
		{"ap-hongkong", "II", "668"}, // 529 + 139
		{"ap-singapore", "II", "668"},
		{"ap-jakarta", "II", "668"},
		{"ap-tokyo", "II", "668"},
	}
	for _, tt := range tests {
		q := mustQuote(t, ssm(tt.region, 1000, 1, BillingMonthly, 1))
		if g := q.Items[0].SSM.Group; g != tt.group {
			t.Errorf("%s: group %s, want %s", tt.region, g, tt.group)
		}
		assertMoney(t, tt.region+" monthly", q.Totals.Monthly, tt.monthly)
	}
}

func TestSSMAnnualTermIsPaidUpFrontWithoutDiscount(t *testing.T) {
	// The live-quote journey: Tokyo, 2,500 credentials, 2 QPS units, 1 year.
	q := mustQuote(t, ssm("ap-tokyo", 2500, 2, BillingAnnual, 12))
	assertMoney(t, "monthly", q.Totals.Monthly, "1865.00") // 3 x 529 + 2 x 139
	assertMoney(t, "upfront", q.Totals.Upfront, "22380.00")
	if q.Items[0].SSM.TotalQPS != 2500 {
		t.Errorf("total QPS %d, want 2500", q.Items[0].SSM.TotalQPS)
	}
	for _, tt := range []struct {
		term    int64
		upfront string
	}{{24, "44760"}, {36, "67140"}} {
		q := mustQuote(t, ssm("ap-tokyo", 2500, 2, BillingAnnual, tt.term))
		assertMoney(t, "upfront", q.Totals.Upfront, tt.upfront)
	}
	// Guangzhou is group I: 3 x 366 + 2 x 92.
	q = mustQuote(t, ssm("ap-guangzhou", 2500, 2, BillingAnnual, 12))
	assertMoney(t, "monthly", q.Totals.Monthly, "1282.00")
	assertMoney(t, "upfront", q.Totals.Upfront, "15384.00")
	if !hasNotice(q.Assumptions, "ssm_no_annual_discount") || !hasNotice(q.Assumptions, "ssm_whole_packages") {
		t.Errorf("SSM assumptions missing: %+v", q.Assumptions)
	}
	if !hasNotice(q.Warnings, "ssm_kms_charges") {
		t.Error("a quote with SSM must say that KMS charges may follow")
	}
}

func TestSSMMonthlyTermMultipliesTheMonth(t *testing.T) {
	q := mustQuote(t, ssm("ap-beijing", 1, 0, BillingMonthly, 11))
	assertMoney(t, "upfront", q.Totals.Upfront, "4026") // 366 x 11
	if len(q.Items[0].Lines) != 1 {
		t.Errorf("no QPS units should mean no QPS line, got %+v", q.Items[0].Lines)
	}
}

func TestKMSFreeTierBoundary(t *testing.T) {
	tests := []struct {
		calls  int64
		amount string
		note   string
	}{
		{0, "0", "no calls"},
		{19_999, "0", "first 20,000 calls free"},
		{20_000, "0", "first 20,000 calls free"},
		{20_001, "0.02", "billed as 1,000 calls (minimum)"}, // 1 billable call billed as 1,000: 0.018
		{20_999, "0.02", "billed as 1,000 calls (minimum)"}, // 999 billable
		{21_000, "0.02", "first 20,000 calls free"},         // exactly 1,000 billable
		{21_001, "0.02", "first 20,000 calls free"},         // 0.0180018
		{125_000, "1.89", "first 20,000 calls free"},        // 105,000 x 0.18 / 10,000
		{1_000_000_000_000, "17999999.64", "first 20,000 calls free"},
	}
	for _, tt := range tests {
		q := mustQuote(t, kms("ap-guangzhou", 0, 0, 0, tt.calls))
		l := q.AccountLines[0]
		assertMoney(t, "calls line", l.Amount, tt.amount)
		if !strings.Contains(l.Note, tt.note) {
			t.Errorf("%d calls: note %q, want it to say %q", tt.calls, l.Note, tt.note)
		}
	}
}

func TestKMSMinimumAppliesAfterFreeTier(t *testing.T) {
	q := mustQuote(t, kms("ap-beijing", 0, 0, 0, 20_500))
	l := q.AccountLines[0]
	if !l.Quantity.Equal(d("0.1")) { // 1,000 calls in units of 10,000
		t.Errorf("quantity %s, want 0.1 (1,000 calls)", l.Quantity)
	}
	if !hasNotice(q.Assumptions, "kms_minimum_after_free_tier") {
		t.Error("the minimum decision must be stated")
	}
}

func TestKMSFreeTierAppliesOncePerAccount(t *testing.T) {
	// 15,000 + 15,000 calls: each region alone is inside the free tier, the account is not.
	q := mustQuote(t, kms("ap-beijing", 0, 0, 0, 15_000), kms("ap-tokyo", 0, 0, 0, 15_000))
	if len(q.AccountLines) != 1 {
		t.Fatalf("want one account-level KMS calls line, got %+v", q.AccountLines)
	}
	l := q.AccountLines[0]
	if !l.Quantity.Equal(d("1")) { // 10,000 billable calls
		t.Errorf("billable quantity %s, want 1 (10,000 calls)", l.Quantity)
	}
	assertMoney(t, "calls", l.Amount, "0.18")
	assertMoney(t, "monthly", q.Totals.Monthly, "0.18")
	if !strings.Contains(l.Description, "2 regions") {
		t.Errorf("description %q should say the calls span 2 regions", l.Description)
	}
}

func TestKMSKeyStorageByDay(t *testing.T) {
	q := mustQuote(t, kms("ap-guangzhou", 10, 2, 1, 0))
	it := q.Items[0]
	assertMoney(t, "customer keys", lineWith(t, it.Lines, "Customer managed").Amount, "18.00") // 10 x 0.06 x 30
	managed := lineWith(t, it.Lines, "Tencent Cloud managed")
	assertMoney(t, "managed keys", managed.Amount, "0")
	if managed.Note != "free" {
		t.Errorf("managed keys note %q, want free", managed.Note)
	}
	pending := lineWith(t, it.Lines, "scheduled deletion")
	assertMoney(t, "pending keys", pending.Amount, "0")
	if !strings.Contains(pending.Note, "not billed") {
		t.Errorf("pending deletion note %q", pending.Note)
	}
	assertMoney(t, "upfront", q.Totals.Upfront, "0")

	short := kms("ap-guangzhou", 1, 0, 0, 0)
	short.Days = 1
	assertMoney(t, "one key one day", mustQuote(t, short).Totals.Monthly, "0.06")
	short.Days = 31
	assertMoney(t, "one key 31 days", mustQuote(t, short).Totals.Monthly, "1.86")
	short.Days = 0 // the default month
	assertMoney(t, "one key default month", mustQuote(t, short).Totals.Monthly, "1.80")
}

func TestKMSQuotaIsSummedPerRegion(t *testing.T) {
	q := mustQuote(t, kms("ap-tokyo", 150, 500, 500, 0))
	if q.QuotaIncreaseRequired || hasNotice(q.Warnings, "kms_quota_exceeded") {
		t.Error("managed and pending keys do not count toward the quota")
	}
	q = mustQuote(t, kms("ap-tokyo", 150, 0, 0, 0), kms("ap-tokyo", 51, 0, 0, 0), kms("ap-beijing", 200, 0, 0, 0))
	if !q.QuotaIncreaseRequired {
		t.Fatal("201 keys in Tokyo must need a quota increase")
	}
	n := 0
	for _, w := range q.Warnings {
		if w.Code == "kms_quota_exceeded" {
			n++
			if !strings.Contains(w.Text, "Tokyo") {
				t.Errorf("quota warning %q should name Tokyo", w.Text)
			}
		}
	}
	if n != 1 {
		t.Errorf("want one quota warning (Tokyo), got %d", n)
	}
	if !hasNotice(q.Assumptions, "kms_quota_priced") {
		t.Error("the quota decision must be stated")
	}
	assertMoney(t, "still priced", q.Totals.Monthly, "721.80") // 401 keys x 0.06 x 30
}

func TestLegacyMinimumPerRegion(t *testing.T) {
	tests := []struct {
		calls  int64
		amount string
	}{
		{0, "0"},
		{1, "0.05"},
		{9_999, "0.05"},
		{10_000, "0.05"},
		{10_001, "0.05"}, // 0.050005
		{60_000, "0.30"},
		{99_999, "0.50"}, // 0.499995 rounds half-up
	}
	for _, tt := range tests {
		q := mustQuote(t, legacy("ap-beijing", 0, tt.calls))
		assertMoney(t, "legacy calls", q.AccountLines[0].Amount, tt.amount)
	}
	// Two regions each below the minimum are each billed for 10,000 calls; two items in
	// one region share their region's line.
	q := mustQuote(t, legacy("ap-beijing", 1, 3000), legacy("ap-tokyo", 1, 3000), legacy("ap-beijing", 1, 3000))
	if len(q.AccountLines) != 2 {
		t.Fatalf("want one line per region, got %+v", q.AccountLines)
	}
	assertMoney(t, "monthly", q.Totals.Monthly, "1.30") // 3 x 0.40 + 2 x 0.05
}

func TestLegacyQuotaWarning(t *testing.T) {
	q := mustQuote(t, legacy("ap-beijing", 600, 0), legacy("ap-tokyo", 401, 0))
	if !hasNotice(q.Warnings, "legacy_quota_exceeded") {
		t.Error("1,001 old-billing credentials exceed the account quota")
	}
}

func TestRoundingIsPerLineHalfUp(t *testing.T) {
	// 1,250 billable calls: 0.0225 rounds half-up to 0.02 on the line... and 0.03 at 1,500
	// billable calls is 0.027 -> 0.03.
	for _, tt := range []struct {
		calls  int64
		amount string
	}{{21_250, "0.02"}, {21_500, "0.03"}, {22_500, "0.05"}} { // 0.045 -> 0.05 (half-up)
		q := mustQuote(t, kms("ap-beijing", 0, 0, 0, tt.calls))
		assertMoney(t, "calls", q.AccountLines[0].Amount, tt.amount)
	}
	if !hasNotice(mustQuote(t, kms("ap-beijing", 0, 0, 0, 0)).Assumptions, "rounding") {
		t.Error("every quote states the rounding decision")
	}
}

func TestThreeProductQuoteTotals(t *testing.T) {
	q := mustQuote(t,
		ssm("ap-tokyo", 2500, 2, BillingAnnual, 12),
		kms("ap-guangzhou", 10, 2, 1, 125_000),
		legacy("ap-beijing", 100, 60_000))
	// 1865 + 18 + 40 (items) + 1.89 + 0.30 (account lines)
	assertMoney(t, "monthly", q.Totals.Monthly, "1925.19")
	assertMoney(t, "upfront", q.Totals.Upfront, "22380")
	if !q.Orderable {
		t.Error("a quote with SSM and KMS is orderable")
	}
	if q.PriceBook.Version == "" || q.PriceBook.Effective == "" || q.Currency != "USD" {
		t.Errorf("price book reference missing: %+v %s", q.PriceBook, q.Currency)
	}
	if len(q.Settlement) != 2 {
		t.Errorf("want the up-front and the monthly settlement notes, got %+v", q.Settlement)
	}
}
