package pricing

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Compute prices a request with a price book: a quote, or a [*ValidationError] that
// lists every problem of the request.
func Compute(b *Book, req Request) (Quote, error) {
	if err := validate(b, req); err != nil {
		return Quote{}, err
	}
	q := Quote{
		Currency:  b.Currency,
		PriceBook: BookRef{Version: b.Version, Effective: b.Effective},
		Items:     make([]QuotedItem, 0, len(req.Items)),
	}
	acc := newAccountUsage()
	for _, it := range req.Items {
		var qi QuotedItem
		switch it.Product {
		case ProductSSM:
			qi = b.quoteSSM(it)
			acc.hasSSM = true
		case ProductKMS:
			qi = b.quoteKMS(it)
			acc.addKMS(it)
		case ProductLegacy:
			qi = b.quoteLegacy(it)
			acc.addLegacy(it)
		}
		q.Orderable = q.Orderable || qi.Orderable
		q.Totals.Monthly = addMoney(q.Totals.Monthly, qi.Monthly)
		q.Totals.Upfront = addMoney(q.Totals.Upfront, qi.Upfront)
		q.Items = append(q.Items, qi)
	}
	q.AccountLines = b.accountLines(acc)
	for _, l := range q.AccountLines {
		q.Totals.Monthly = addMoney(q.Totals.Monthly, l.Amount)
	}
	b.explain(&q, acc)
	return q, nil
}

// accountUsage gathers what is billed per account (KMS calls, one free tier) or per
// region (old-billing calls, and the KMS key quota) across a quote's items, in the
// order regions first appear.
type accountUsage struct {
	hasKMS, hasSSM, hasLegacy bool
	kmsCalls                  []regionCount
	legacyCalls               []regionCount
	customerKeys              []regionCount
	legacyCredentials         int64
	buf                       [3][4]regionCount // backing for the lists, so small quotes allocate none
}

func newAccountUsage() *accountUsage {
	a := &accountUsage{}
	a.kmsCalls, a.legacyCalls, a.customerKeys = a.buf[0][:0], a.buf[1][:0], a.buf[2][:0]
	return a
}

type regionCount struct {
	region string
	n      int64
}

func addTo(list []regionCount, region string, n int64) []regionCount {
	for i := range list {
		if list[i].region == region {
			list[i].n += n
			return list
		}
	}
	return append(list, regionCount{region, n})
}

func (a *accountUsage) addKMS(it Item) {
	a.hasKMS = true
	a.kmsCalls = addTo(a.kmsCalls, it.Region, it.APICalls)
	a.customerKeys = addTo(a.customerKeys, it.Region, it.CustomerKeys)
}

func (a *accountUsage) addLegacy(it Item) {
	a.hasLegacy = true
	a.legacyCalls = addTo(a.legacyCalls, it.Region, it.APICalls)
	a.legacyCredentials += it.Credentials
}

func (b *Book) quoteSSM(it Item) QuotedItem {
	region, _ := b.Region(it.Region)
	edIndex := 0
	if it.Edition != "" {
		for i := range b.SSM.Editions {
			if b.SSM.Editions[i].ID == it.Edition {
				edIndex = i
			}
		}
	}
	ed := &b.SSM.Editions[edIndex]
	it.Edition = ed.ID
	group := region.SSMGroup
	packages := (it.Credentials + ed.CredentialsPerPackage - 1) / ed.CredentialsPerPackage
	sizing := &SSMSizing{
		Group:               group,
		GroupName:           b.GroupName(group),
		Edition:             ed.ID,
		Packages:            packages,
		IncludedCredentials: packages * ed.CredentialsPerPackage,
		TotalQPS:            packages*ed.QPSPerPackage + it.QPSUnits*b.SSM.QPSUnit.QPS,
		Billing:             it.Billing,
		TermMonths:          it.TermMonths,
	}
	note := ""
	if it.Credentials != sizing.IncludedCredentials {
		need := " credentials need "
		if it.Credentials == 1 {
			need = " credential needs "
		}
		note = words(count(it.Credentials), need, plural(packages, "package", "packages"))
	}
	var buf [160]byte // formulas and descriptions are built here, then copied once
	lines := make([]Line, 1, 2)
	price := ed.Monthly[group]
	f := append(pluralTo(buf[:0], it.Credentials, "credential", "credentials"), " → "...)
	f = appendDec(append(pluralTo(f, packages, "package", "packages"), " × "...), price)
	lines[0] = line(b.notes.ssmPackageLine[edIndex], decimal.NewFromInt(packages), "package-month", price, note).
		explained(b.notes.srcPackages, f)
	if it.QPSUnits > 0 {
		price := b.SSM.QPSUnit.Monthly[group]
		f := appendDec(append(pluralTo(buf[:0], it.QPSUnits, "unit", "units"), " × "...), price)
		lines = append(lines, line(b.notes.ssmQPSLine[0], decimal.NewFromInt(it.QPSUnits), "unit-month", price, "").
			explained(b.SourceText("ssm.qps_unit.monthly"), f))
	}
	monthly := sum(lines)
	return QuotedItem{
		Product:    ProductSSM,
		Name:       "Secrets Manager " + ed.Name,
		Region:     region.ID,
		RegionName: region.Name,
		Orderable:  true,
		Lines:      lines,
		Monthly:    monthly,
		Upfront:    monthly.Mul(decimal.NewFromInt(it.TermMonths)),
		SSM:        sizing,
		Input:      it,
	}
}

func (b *Book) quoteKMS(it Item) QuotedItem {
	region, _ := b.Region(it.Region)
	if it.Days == 0 {
		it.Days = DefaultDays
	}
	// keys prices one kind of key by the day; key-days fit an int64 easily (at most
	// 1,000,000 keys x 31 days). The customer keys' description says for how long.
	keys := func(desc string, n int64, price decimal.Decimal, note, source string, withDays bool) Line {
		var buf [160]byte
		d := pluralTo(append(buf[:0], desc...), n, "key", "keys")
		if withDays {
			d = pluralTo(append(d, " × "...), it.Days, "day", "days")
		}
		l := line(string(d), whole(n*it.Days), "key-day", price, note)
		f := pluralTo(append(pluralTo(buf[:0], n, "key", "keys"), " × "...), it.Days, "day", "days")
		return l.explained(source, appendDec(append(f, " × "...), price))
	}
	lines := []Line{
		keys("Customer managed CMKs: ", it.CustomerKeys, b.KMS.CustomerKeyPerDay, "", b.SourceText("kms.customer_key_per_day"), true),
		keys("Tencent Cloud managed CMKs: ", it.ManagedKeys, b.KMS.ManagedKeyPerDay,
			freeNote(b.KMS.ManagedKeyPerDay, "free"), b.SourceText("kms.managed_key_per_day"), false),
		keys("CMKs in scheduled deletion: ", it.PendingDeletionKeys, b.KMS.PendingDeletionKeyPerDay,
			freeNote(b.KMS.PendingDeletionKeyPerDay, "not billed while scheduled for deletion"), b.SourceText("kms.pending_deletion_key_per_day"), false),
	}
	monthly := sum(lines)
	return QuotedItem{
		Product:    ProductKMS,
		Name:       "Key Management Service",
		Region:     region.ID,
		RegionName: region.Name,
		Orderable:  true,
		Lines:      lines,
		Monthly:    monthly,
		Upfront:    decimal.Zero,
		Input:      it,
	}
}

func freeNote(price decimal.Decimal, note string) string {
	if price.IsZero() {
		return note
	}
	return ""
}

func (b *Book) quoteLegacy(it Item) QuotedItem {
	region, _ := b.Region(it.Region)
	price := b.Legacy.CredentialPerMonth
	var buf [160]byte
	desc := string(pluralTo(append(buf[:0], "Credential storage: "...), it.Credentials, "credential", "credentials"))
	f := appendDec(append(pluralTo(buf[:0], it.Credentials, "credential", "credentials"), " × "...), price)
	lines := []Line{line(desc, decimal.NewFromInt(it.Credentials), "credential-month", price, "").
		explained(b.SourceText("ssm_legacy.credential_per_month"), f)}
	monthly := sum(lines)
	return QuotedItem{
		Product:    ProductLegacy,
		Name:       "Secrets Manager, old billing",
		Region:     region.ID,
		RegionName: region.Name,
		Orderable:  false,
		Lines:      lines,
		Monthly:    monthly,
		Upfront:    decimal.Zero,
		Input:      it,
	}
}

// accountLines prices the calls: KMS calls of all regions as one line with one free
// tier, and old-billing calls as one line per region, each with its minimum.
func (b *Book) accountLines(a *accountUsage) []Line {
	lines := make([]Line, 0, len(a.legacyCalls)+1)
	if a.hasKMS {
		var total int64
		for _, rc := range a.kmsCalls {
			total += rc.n
		}
		var buf [160]byte
		d := append(pluralTo(append(buf[:0], "KMS API calls: "...), total, "call", "calls"), " a month"...)
		if len(a.kmsCalls) > 1 {
			d = append(strconv.AppendInt(append(d, " across "...), int64(len(a.kmsCalls)), 10), " regions"...)
		}
		desc := string(d)
		lines = append(lines, b.callLine(desc, total, b.KMS.APICalls, &b.notes.kmsCalls))
	}
	for _, rc := range a.legacyCalls {
		region, _ := b.Region(rc.region)
		var buf [160]byte
		d := append(append(append(buf[:0], "Secrets Manager API calls (old billing), "...), region.Name...), ": "...)
		desc := string(append(pluralTo(d, rc.n, "call", "calls"), " a month"...))
		lines = append(lines, b.callLine(desc, rc.n, b.Legacy.APICalls, &b.notes.legacyCalls))
	}
	return lines
}

// callLine applies a free tier, then the minimum to what is left: nothing billable
// costs nothing (PRICING.md's decisions for both products).
func (b *Book) callLine(desc string, calls int64, p CallPrice, tx *callTexts) Line {
	free := min(calls, p.FreePerMonth)
	billable := calls - free
	billed := billable
	var note string
	if free > 0 {
		note = tx.free
	}
	if billable > 0 && billable < p.MinimumBilled {
		billed = p.MinimumBilled
		if note != "" {
			note = words(note, "; ", plural(billable, "billable call ", "billable calls "), tx.minimum)
		} else {
			note = tx.minimum
		}
	}
	if calls == 0 {
		note = "no calls, nothing billed"
	}
	qty := decimal.New(billed, -digitsOfPower(p.Per)) // billed / Per, exactly
	var buf [200]byte
	f := pluralTo(buf[:0], calls, "call", "calls")
	if free > 0 {
		f = append(appendCount(append(appendCount(append(f, " − "...), free), " free = "...), billable), " billable"...)
	}
	if billed != billable {
		f = append(appendCount(append(f, ", billed as "...), billed), " (minimum)"...)
	}
	f = appendDec(append(f, "; "...), qty)
	f = append(appendDec(append(f, " × "...), p.Price), tx.per...)
	return line(desc, qty, tx.unit, p.Price, note).explained(tx.source, f)
}

// callTexts are the fixed words of a call line, written once per price book.
type callTexts struct {
	free, minimum, unit string
	per                 string // " per 10,000 calls", for formulas
	source              string
}

func newCallTexts(p CallPrice, scope string) callTexts {
	return callTexts{
		free:    "first " + count(p.FreePerMonth) + " calls free",
		minimum: "billed as " + count(p.MinimumBilled) + " calls (minimum" + scope + ")",
		unit:    count(p.Per) + " calls",
		per:     " per " + count(p.Per) + " calls",
	}
}

func line(desc string, qty decimal.Decimal, unit string, price decimal.Decimal, note string) Line {
	exact := decimal.Zero // free lines (a price or a quantity of 0) are common: skip the multiplication
	if !qty.IsZero() && !price.IsZero() {
		exact = qty.Mul(price)
	}
	amount, rounded := exact, false
	if exact.Exponent() < -2 { // finer than cents: round (half-up, amounts are never negative)
		amount = exact.Round(2)
		rounded = !amount.Equal(exact)
	}
	return Line{Description: desc, Quantity: qty, Unit: unit, UnitPrice: price, Amount: amount, Note: note,
		exact: exact, rounded: rounded}
}

// Descriptions and formulas are built in a buffer on the stack and copied once: quotes
// are priced often, and their words were most of what pricing one allocated.

// explained adds to a line its arithmetic, from the formula's start ("2 units × 139")
// to its result (" = 278.00", or " = 0.018 → 0.02" where the line is rounded), and the
// source of its price.
func (l Line) explained(source string, formula []byte) Line {
	l.Source = source
	formula = append(formula, " = "...)
	if l.rounded { // show the exact amount before the rounded one
		formula = append(appendDec(formula, l.exact), " → "...)
	}
	l.Formula = string(appendMoney(formula, l.Amount))
	return l
}

func sum(lines []Line) decimal.Decimal {
	total := decimal.Zero
	for _, l := range lines {
		total = addMoney(total, l.Amount)
	}
	return total
}

// addMoney is a.Add(b) without the allocations of adding to zero, which quotes do
// often (free lines, items with nothing up front).
func addMoney(a, b decimal.Decimal) decimal.Decimal {
	switch {
	case b.IsZero():
		return a
	case a.IsZero():
		return b
	}
	return a.Add(b)
}

// count formats a whole number with thousands separators.
func count(n int64) string {
	var buf [32]byte
	return string(appendCount(buf[:0], n))
}

func plural(n int64, one, many string) string {
	var buf [64]byte
	return string(pluralTo(buf[:0], n, one, many))
}

func words(parts ...string) string { return strings.Join(parts, "") }

// appendCount appends n with thousands separators ("1,000,000").
func appendCount(b []byte, n int64) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], n, 10)
	if d[0] == '-' {
		b, d = append(b, '-'), d[1:]
	}
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}

// pluralTo appends "1 key" or "2,500 keys".
func pluralTo(b []byte, n int64, one, many string) []byte {
	if n == 1 {
		return append(append(b, "1 "...), one...)
	}
	return append(append(appendCount(b, n), ' '), many...)
}

// digitsOfPower returns k for a power of ten 10^k; the price book only allows such
// "per N calls" units, so that dividing by them is exact.
func digitsOfPower(per int64) int32 {
	var k int32
	for per > 1 {
		per /= 10
		k++
	}
	return k
}

// whole is n as a decimal, without allocating for 0.
func whole(n int64) decimal.Decimal {
	if n == 0 {
		return decimal.Zero
	}
	return decimal.NewFromInt(n)
}
