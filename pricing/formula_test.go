package pricing

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestEveryLineShowsItsArithmeticAndSource(t *testing.T) {
	q := mustQuote(t,
		ssm("ap-tokyo", 2500, 2, BillingAnnual, 12),
		kms("ap-guangzhou", 10, 2, 1, 20_500),
		legacy("ap-beijing", 100, 3_000))
	want := map[string]string{
		"Enterprise Edition":             "2,500 credentials → 3 packages × 529 = 1,587.00",
		"Compute performance":            "2 units × 139 = 278.00",
		"Customer managed CMKs":          "10 keys × 30 days × 0.06 = 18.00",
		"Tencent Cloud managed CMKs":     "2 keys × 30 days × 0 = 0.00",
		"CMKs in scheduled deletion":     "1 key × 30 days × 0 = 0.00",
		"KMS API calls":                  "20,500 calls − 20,000 free = 500 billable, billed as 1,000 (minimum); 0.1 × 0.18 per 10,000 calls = 0.018 → 0.02",
		"Credential storage":             "100 credentials × 0.4 = 40.00",
		"Secrets Manager API calls (old": "3,000 calls, billed as 10,000 (minimum); 1 × 0.05 per 10,000 calls = 0.05",
	}
	var lines []Line
	for _, it := range q.Items {
		lines = append(lines, it.Lines...)
	}
	lines = append(lines, q.AccountLines...)
	for prefix, formula := range want {
		l := lineWith(t, lines, prefix)
		if l.Formula != formula {
			t.Errorf("%s:\n got %q\nwant %q", prefix, l.Formula, formula)
		}
	}
	for _, l := range lines {
		if !strings.Contains(l.Source, "Purchase Guide") || !strings.Contains(l.Source, "“") {
			t.Errorf("%s: source %q must quote a purchase guide", l.Description, l.Source)
		}
	}
	if s := lineWith(t, lines, "KMS API calls").Source; !strings.Contains(s, "less than 1000 API calls") || !strings.Contains(s, "Decision:") {
		t.Errorf("the calls line must cite the minimum and the decision: %q", s)
	}
}

func TestAppendDecimalFormats(t *testing.T) {
	for in, want := range map[string][2]string{
		"0.018":       {"0.018", "0.02"},
		"529":         {"529", "529.00"},
		"1587":        {"1,587", "1,587.00"},
		"10.5":        {"10.5", "10.50"},
		"0":           {"0", "0.00"},
		"17999999.64": {"17,999,999.64", "17,999,999.64"},
		"0.05":        {"0.05", "0.05"},
		"1e3":         {"1,000", "1,000.00"},
	} {
		d := decimal.RequireFromString(in)
		if got := string(appendDec(nil, d)); got != want[0] {
			t.Errorf("appendDec(%s) = %s, want %s", in, got, want[0])
		}
		if got := string(appendMoney(nil, d)); got != want[1] {
			t.Errorf("appendMoney(%s) = %s, want %s", in, got, want[1])
		}
	}
}
