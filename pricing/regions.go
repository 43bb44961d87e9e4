package pricing

import "github.com/shopspring/decimal"

// RegionPrice is one item priced in one region.
type RegionPrice struct {
	Region    string          `json:"region"`
	Name      string          `json:"name"`
	Group     string          `json:"group"`
	GroupName string          `json:"group_name"`
	Monthly   decimal.Decimal `json:"monthly"`
	Upfront   decimal.Decimal `json:"upfront"`
	// Cheapest marks the lowest monthly price, when prices differ between regions.
	Cheapest bool `json:"cheapest"`
}

// CompareRegions prices the same item in every region of the price book, grouped by
// SSM price group in the book's order, each region's quote computed as a quote of its
// own would be. Same reports that every region costs the same (KMS).
//
// A region's prices are its SSM price group's: a Region has nothing else that Compute
// reads. So each group is computed once, for its first region, and its other regions
// share the totals; TestCompareRegionsAsQuotesOfTheirOwn holds this to a quote per
// region. (Seven quotes became two, a tenth of the estimator page's time.)
func (b *Book) CompareRegions(it Item) (prices []RegionPrice, same bool, err error) {
	prices = make([]RegionPrice, 0, len(b.Regions))
	for _, g := range b.SSMGroups {
		var totals *Totals
		for _, r := range b.Regions {
			if r.SSMGroup != g.ID {
				continue
			}
			if totals == nil {
				it.Region = r.ID
				q, err := Compute(b, Request{Items: []Item{it}})
				if err != nil {
					return nil, false, err
				}
				totals = &q.Totals
			}
			prices = append(prices, RegionPrice{Region: r.ID, Name: r.Name, Group: g.ID, GroupName: g.Name,
				Monthly: totals.Monthly, Upfront: totals.Upfront})
		}
	}
	low := prices[0].Monthly
	same = true
	for _, p := range prices[1:] {
		if !p.Monthly.Equal(low) {
			same = false
		}
		if p.Monthly.LessThan(low) {
			low = p.Monthly
		}
	}
	if !same {
		for i := range prices {
			prices[i].Cheapest = prices[i].Monthly.Equal(low)
		}
	}
	return prices, same, nil
}
