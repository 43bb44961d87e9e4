// Package pricing turns what a customer wants into an exact, itemized and explained
// quote for Tencent Cloud Key Management Service (KMS) and Secrets Manager (SSM).
//
// It is the domain of the product and stays pure: the standard library and
// shopspring/decimal only, no HTTP, no HTML, no storage. Prices are data (a versioned
// [Book], embedded and replaceable by a file), rules are code, and every rule follows
// PRICING.md: where the purchase guides are silent, the decision taken there is applied
// and stated in the quote as an assumption.
//
// The one way in is [Compute]: a price book and a [Request] give a [Quote] or a
// [*ValidationError] listing every problem with its field path.
package pricing
