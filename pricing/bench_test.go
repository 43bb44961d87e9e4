package pricing

import "testing"

// BenchmarkQuote prices a three-item quote (one item of each product). Target on a
// 2-core machine: under 20 µs and under 100 allocations per quote.
func BenchmarkQuote(b *testing.B) {
	book := mustBook(b)
	req := Request{Items: []Item{
		ssm("ap-tokyo", 2500, 2, BillingAnnual, 12),
		kms("ap-guangzhou", 10, 2, 1, 125_000),
		legacy("ap-beijing", 100, 60_000),
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(book, req); err != nil {
			b.Fatal(err)
		}
	}
}
