package pricing

import "testing"

// BenchmarkQuote prices a three-item quote (one item of each product). Target on a
// 2-core machine: under 20 µs and under 100 allocations per quote.
// benchRequest is the three-item example: one item of each product.
func benchRequest() Request {
	return Request{Items: []Item{
		ssm("ap-tokyo", 2500, 2, BillingAnnual, 12),
		kms("ap-guangzhou", 10, 2, 1, 125_000),
		legacy("ap-beijing", 100, 60_000),
	}}
}

// benchQuote is the quote of benchRequest.
func benchQuote(b *testing.B) Quote {
	q, err := Compute(mustBook(b), benchRequest())
	if err != nil {
		b.Fatal(err)
	}
	return q
}

func BenchmarkQuote(b *testing.B) {
	book := mustBook(b)
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(book, req); err != nil {
			b.Fatal(err)
		}
	}
}
