package pricing

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"
)

//go:embed pricebook.json
var embeddedBook []byte

// Book is a versioned price book: every unit price, free tier, minimum and quota the
// engine applies, with the date it takes effect. It is read from JSON and validated
// once; after that it is never modified, so one Book can serve concurrent quotes.
type Book struct {
	Version   string   `json:"version"`
	Effective string   `json:"effective"`
	Currency  string   `json:"currency"`
	Sources   []Source `json:"sources"`
	// Traces say where each price, free tier, minimum and quota comes from, by key
	// (see requiredTraces).
	Traces    map[string]Trace `json:"traces"`
	SSMGroups []Group          `json:"ssm_groups"`
	Regions   []Region         `json:"regions"`
	SSM       SSMPrices        `json:"ssm"`
	KMS       KMSPrices        `json:"kms"`
	Legacy    LegacyPrice      `json:"ssm_legacy"`

	regions  map[string]*Region
	editions map[string]*Edition
	groups   map[string]*Group
	notes    notes
	// sourceText is each trace written out for a reader, once per book.
	sourceText map[string]string
}

// SourceText is the trace of key written out: document, section, quotation and
// decision.
func (b *Book) SourceText(key string) string { return b.sourceText[key] }

// Source is a document the prices come from.
type Source struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Trace is the origin of a price or a rule: a source document, its section and a
// short quotation, and the decision of PRICING.md where the guides leave it open.
type Trace struct {
	Source   string `json:"source"`
	Section  string `json:"section"`
	Quote    string `json:"quote,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// requiredTraces are the keys a price book must trace: every unit price, free tier,
// minimum and quota the engine applies, and the rules lines refer to.
var requiredTraces = []string{
	"ssm.editions.monthly", "ssm.packages", "ssm.qps_unit.monthly", "ssm.regions",
	"kms.customer_key_per_day", "kms.managed_key_per_day", "kms.pending_deletion_key_per_day",
	"kms.customer_key_quota_per_region", "kms.api_calls.price", "kms.api_calls.free_per_month",
	"kms.api_calls.minimum_billed", "ssm_legacy.credential_per_month", "ssm_legacy.credential_quota",
	"ssm_legacy.api_calls.price", "ssm_legacy.api_calls.minimum_billed", "rounding",
}

// Group is an SSM price group ("Region group I").
type Group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Region is a Tencent Cloud region the console sells in.
type Region struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	SSMGroup string `json:"ssm_group"`
}

// SSMPrices is the new (subscription) billing of Secrets Manager.
type SSMPrices struct {
	Source            string    `json:"source"`
	Editions          []Edition `json:"editions"`
	QPSUnit           QPSUnit   `json:"qps_unit"`
	MonthlyTermMonths struct {
		Min int64 `json:"min"`
		Max int64 `json:"max"`
	} `json:"monthly_term_months"`
	AnnualTermMonths []int64 `json:"annual_term_months"`
}

// Edition is an SSM edition, sold in packages that each include credentials and QPS.
type Edition struct {
	ID                    string                     `json:"id"`
	Name                  string                     `json:"name"`
	CredentialsPerPackage int64                      `json:"credentials_per_package"`
	QPSPerPackage         int64                      `json:"qps_per_package"`
	Monthly               map[string]decimal.Decimal `json:"monthly"`
}

// QPSUnit is an SSM compute performance unit.
type QPSUnit struct {
	QPS     int64                      `json:"qps"`
	Monthly map[string]decimal.Decimal `json:"monthly"`
}

// KMSPrices is KMS pay-as-you-go billing; it is the same in every region.
type KMSPrices struct {
	Source                    string          `json:"source"`
	CustomerKeyPerDay         decimal.Decimal `json:"customer_key_per_day"`
	ManagedKeyPerDay          decimal.Decimal `json:"managed_key_per_day"`
	PendingDeletionKeyPerDay  decimal.Decimal `json:"pending_deletion_key_per_day"`
	CustomerKeyQuotaPerRegion int64           `json:"customer_key_quota_per_region"`
	APICalls                  CallPrice       `json:"api_calls"`
}

// LegacyPrice is the old pay-as-you-go billing of Secrets Manager.
type LegacyPrice struct {
	Source             string          `json:"source"`
	CredentialPerMonth decimal.Decimal `json:"credential_per_month"`
	CredentialQuota    int64           `json:"credential_quota"`
	APICalls           CallPrice       `json:"api_calls"`
}

// CallPrice prices API calls: Price per Per calls, after FreePerMonth free calls, with
// fewer billable calls than MinimumBilled billed as MinimumBilled.
type CallPrice struct {
	FreePerMonth  int64           `json:"free_per_month"`
	Price         decimal.Decimal `json:"price"`
	Per           int64           `json:"per"`
	MinimumBilled int64           `json:"minimum_billed"`
}

// EmbeddedBook returns the price book built into the binary.
func EmbeddedBook() (*Book, error) { return ParseBook(embeddedBook) }

// LoadBook reads and validates a price book file.
func LoadBook(path string) (*Book, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("price book: %w", err)
	}
	b, err := ParseBook(data)
	if err != nil {
		return nil, fmt.Errorf("price book %s: %w", path, err)
	}
	return b, nil
}

// ParseBook decodes a price book strictly (unknown fields are refused, since a typo
// in a price book would otherwise silently drop a price) and validates it.
func ParseBook(data []byte) (*Book, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Book
	if err := dec.Decode(&b); err != nil {
		return nil, &ValidationError{Problems: []Problem{{Field: jsonErrorField(err), Message: jsonErrorMessage(err)}}}
	}
	// Token, not More: More reports false before a stray "}" or "]" too.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Problems: []Problem{{Field: "", Message: "unexpected data after the price book"}}}
	}
	if err := b.validate(); err != nil {
		return nil, err
	}
	b.index()
	return &b, nil
}

// Region returns the region with the given id.
func (b *Book) Region(id string) (*Region, bool) {
	r, ok := b.regions[id]
	return r, ok
}

// Edition returns the SSM edition with the given id.
func (b *Book) Edition(id string) (*Edition, bool) {
	e, ok := b.editions[id]
	return e, ok
}

// GroupName returns the display name of an SSM price group.
func (b *Book) GroupName(id string) string {
	if g, ok := b.groups[id]; ok {
		return g.Name
	}
	return id
}

func (b *Book) index() {
	b.regions = make(map[string]*Region, len(b.Regions))
	for i := range b.Regions {
		b.regions[b.Regions[i].ID] = &b.Regions[i]
	}
	b.editions = make(map[string]*Edition, len(b.SSM.Editions))
	for i := range b.SSM.Editions {
		b.editions[b.SSM.Editions[i].ID] = &b.SSM.Editions[i]
	}
	b.groups = make(map[string]*Group, len(b.SSMGroups))
	for i := range b.SSMGroups {
		b.groups[b.SSMGroups[i].ID] = &b.SSMGroups[i]
	}
	titles := map[string]string{}
	for _, src := range b.Sources {
		titles[src.ID] = src.Title
	}
	b.sourceText = make(map[string]string, len(b.Traces))
	for key, tr := range b.Traces {
		t := titles[tr.Source] + ", " + tr.Section
		if tr.Quote != "" {
			t += ": “" + tr.Quote + "”"
		}
		if tr.Decision != "" {
			t += " Decision: " + tr.Decision
		}
		b.sourceText[key] = t
	}
	b.writeNotes()
}

func (b *Book) validate() error {
	var p problems
	p.required("version", b.Version)
	if _, err := time.Parse(time.DateOnly, b.Effective); err != nil {
		p.add("effective", "must be a date like 2025-03-26")
	}
	if b.Currency != "USD" {
		p.add("currency", "must be USD (the only currency the purchase guides price in)")
	}
	sources := map[string]bool{}
	for i, s := range b.Sources {
		f := fmt.Sprintf("sources[%d]", i)
		p.required(f+".id", s.ID)
		p.required(f+".title", s.Title)
		sources[s.ID] = true
	}
	groups := map[string]bool{}
	for i, g := range b.SSMGroups {
		f := fmt.Sprintf("ssm_groups[%d]", i)
		p.required(f+".id", g.ID)
		p.required(f+".name", g.Name)
		if groups[g.ID] {
			p.add(f+".id", "is listed twice")
		}
		groups[g.ID] = true
	}
	if len(b.SSMGroups) == 0 {
		p.add("ssm_groups", "must list at least one group")
	}
	seen := map[string]bool{}
	for i, r := range b.Regions {
		f := fmt.Sprintf("regions[%d]", i)
		p.required(f+".id", r.ID)
		p.required(f+".name", r.Name)
		if seen[r.ID] {
			p.add(f+".id", "is listed twice")
		}
		seen[r.ID] = true
		if !groups[r.SSMGroup] {
			p.add(f+".ssm_group", fmt.Sprintf("%q is not one of ssm_groups", r.SSMGroup))
		}
	}
	if len(b.Regions) == 0 {
		p.add("regions", "must list at least one region")
	}
	for _, key := range requiredTraces {
		tr, ok := b.Traces[key]
		f := "traces." + key
		switch {
		case !ok:
			p.add(f, "is missing: every price, free tier, minimum and quota must say where it comes from")
		case !sources[tr.Source]:
			p.add(f+".source", fmt.Sprintf("%q is not one of sources", tr.Source))
		case tr.Section == "":
			p.add(f+".section", "is required")
		case tr.Quote == "" && tr.Decision == "":
			p.add(f, "needs a quote from the source or a decision")
		}
	}
	source := func(f, id string) {
		if !sources[id] {
			p.add(f, fmt.Sprintf("%q is not one of sources", id))
		}
	}
	groupPrices := func(f string, m map[string]decimal.Decimal) {
		for g := range groups {
			if v, ok := m[g]; !ok {
				p.add(f+"."+g, "is missing: every SSM group needs a price")
			} else {
				p.price(f+"."+g, v)
			}
		}
		for g := range m {
			if !groups[g] {
				p.add(f+"."+g, "is not one of ssm_groups")
			}
		}
	}

	source("ssm.source", b.SSM.Source)
	if len(b.SSM.Editions) == 0 {
		p.add("ssm.editions", "must list at least one edition")
	}
	for i, e := range b.SSM.Editions {
		f := fmt.Sprintf("ssm.editions[%d]", i)
		p.required(f+".id", e.ID)
		p.required(f+".name", e.Name)
		p.positive(f+".credentials_per_package", e.CredentialsPerPackage)
		p.positive(f+".qps_per_package", e.QPSPerPackage)
		groupPrices(f+".monthly", e.Monthly)
	}
	p.positive("ssm.qps_unit.qps", b.SSM.QPSUnit.QPS)
	groupPrices("ssm.qps_unit.monthly", b.SSM.QPSUnit.Monthly)
	mt := b.SSM.MonthlyTermMonths
	if mt.Min < 1 || mt.Max < mt.Min || mt.Max > 120 {
		p.add("ssm.monthly_term_months", "must have 1 <= min <= max <= 120")
	}
	if len(b.SSM.AnnualTermMonths) == 0 {
		p.add("ssm.annual_term_months", "must list at least one term")
	}
	for i, m := range b.SSM.AnnualTermMonths {
		if m < 12 || m%12 != 0 || m > 120 {
			p.add(fmt.Sprintf("ssm.annual_term_months[%d]", i), "must be a whole number of years in months (12, 24, ...)")
		}
	}

	source("kms.source", b.KMS.Source)
	p.price("kms.customer_key_per_day", b.KMS.CustomerKeyPerDay)
	p.money("kms.managed_key_per_day", b.KMS.ManagedKeyPerDay)
	p.money("kms.pending_deletion_key_per_day", b.KMS.PendingDeletionKeyPerDay)
	p.positive("kms.customer_key_quota_per_region", b.KMS.CustomerKeyQuotaPerRegion)
	p.calls("kms.api_calls", b.KMS.APICalls)

	source("ssm_legacy.source", b.Legacy.Source)
	p.price("ssm_legacy.credential_per_month", b.Legacy.CredentialPerMonth)
	p.positive("ssm_legacy.credential_quota", b.Legacy.CredentialQuota)
	p.calls("ssm_legacy.api_calls", b.Legacy.APICalls)
	return p.err()
}

func (p *problems) required(field, v string) {
	if v == "" {
		p.add(field, "is required")
	}
}

func (p *problems) positive(field string, v int64) {
	if v <= 0 {
		p.add(field, "must be a whole number above 0")
	}
}

// maxUnitPrice bounds a unit price so that a misplaced digit in a price book file is
// caught when it is loaded rather than on a customer's quote.
var maxUnitPrice = decimal.NewFromInt(100000)

// money checks a price that may be zero (a free item, stated as such).
func (p *problems) money(field string, v decimal.Decimal) {
	if v.IsNegative() || v.GreaterThan(maxUnitPrice) {
		p.add(field, "must be an amount from 0 to 100000")
	}
}

// price checks a price that must be there: a missing price decodes as zero, and a
// product given away by a typo is the costliest mistake a price book can make.
func (p *problems) price(field string, v decimal.Decimal) {
	if !v.IsPositive() || v.GreaterThan(maxUnitPrice) {
		p.add(field, "must be an amount above 0 and at most 100000")
	}
}

func (p *problems) calls(field string, c CallPrice) {
	if c.FreePerMonth < 0 {
		p.add(field+".free_per_month", "must not be negative")
	}
	p.price(field+".price", c.Price)
	if !isPowerOfTen(c.Per) {
		p.add(field+".per", "must be a power of ten (1, 10, 100, ... 10000)")
	}
	if c.MinimumBilled < 0 {
		p.add(field+".minimum_billed", "must not be negative")
	}
}

func isPowerOfTen(n int64) bool {
	for n > 1 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}
