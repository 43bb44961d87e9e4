package views

import (
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
)

// BreakEvenChart is the view model of the chart of Secrets Manager's old billing (a
// straight line, pay as you go) against its new billing (a step per package) by the
// number of credentials: where new billing is cheaper, and where the customer is.
//
// Money shown as text comes from decimal through Money; floats are only drawing
// positions in the SVG's 480×300 viewBox.
type BreakEvenChart struct {
	// ID prefixes the ids of the SVG's title and desc ("breakeven-title"); change it
	// if a page shows two charts.
	ID       string
	Currency string
	Title    string
	// Desc describes the chart for a screen reader (the SVG's <desc>).
	Desc string
	// Text states the break-even points and the customer's two costs in words.
	Text string
	// OldCost and NewCost are the monthly costs at the customer's credentials; Beyond
	// says the count lies past the chart, where neither is known here.
	Credentials      int64
	OldCost, NewCost decimal.Decimal
	HasPosition      bool
	Beyond           bool

	empty          bool
	plot           chartRect
	xTicks, yTicks []chartTick
	oldPoints      string // polyline points
	newPoints      string
	runs           []chartRun
	points         []chartPoint
	you            *chartYou
}

// The drawing's coordinate system: 480 wide so that 16-unit text is still about 11px
// on a 375px phone, where the figure is some 340px wide.
const (
	chartWidth  = 480
	chartHeight = 300
)

// Colours as SVG presentation attributes, so that the chart reads even without the
// stylesheet; each line and marker has 3:1 or more against white and the shaded runs.
const (
	colourOld   = "#9a4a00" // 6.3:1 on white
	colourNew   = "#0b57d0" // 6.4:1
	colourRun   = "#dcf1e2" // decoration: the markers carry the break-even points
	colourPoint = "#16713a" // 6.1:1 on white, 5.1:1 on the shaded run
	colourYou   = "#1b1f24"
	colourAxis  = "#6b7280"
	colourGrid  = "#d6dae0" // decoration
	colourText  = "#1b1f24"
	colourMuted = "#4a5360"
)

type chartRect struct{ L, T, R, B float64 }

type chartTick struct {
	Pos   float64 // x for the credential axis, y for the cost axis
	Label string
}

// chartRun is a shaded run of credentials where new billing is cheaper.
type chartRun struct {
	X, W     float64
	From, To int64
}

// chartPoint marks a break-even point on the new billing's step.
type chartPoint struct {
	X, Y        float64
	Credentials int64
	Kind        string // "from": new billing becomes cheaper; "to": it stops
	Label       string // shown for "from" points when there is room
	LabelX      float64
}

// chartYou is the customer's position: a vertical line with the two costs.
type chartYou struct {
	X, OldY, NewY        float64
	OldLabelY, NewLabelY float64
	LabelX               float64
	Anchor               string // "start" right of the line, "end" left of it
	Label                string
	OldLabel, NewLabel   string
}

// NewBreakEvenChart lays out the chart of c for a customer with `credentials`
// credentials (0 or less for none), amounts in `currency`.
//
// The old cost at a count is the old line's slope times the count, rounded to cents
// like the old billing's credential line, plus its fixed part (the calls): exact as long
// as the price per credential times MaxCredentials has at most two decimals, as it
// does for 0.4 USD.
func NewBreakEvenChart(c pricing.Curves, credentials int64, currency string) BreakEvenChart {
	v := BreakEvenChart{
		ID:          "breakeven",
		Currency:    currency,
		Title:       "Secrets Manager: old against new billing by credentials",
		Credentials: credentials,
		plot:        chartRect{L: 58, T: 34, R: 452, B: 250},
	}
	if c.MaxCredentials <= 0 || c.PerPackage <= 0 || len(c.NewSteps) == 0 {
		v.empty = true
		return v
	}
	maxC := c.MaxCredentials
	oldAt := func(n int64) decimal.Decimal {
		return c.OldAtMax.Sub(c.OldAtZero).Mul(decimal.NewFromInt(n)).Div(decimal.NewFromInt(maxC)).Round(2).Add(c.OldAtZero)
	}
	// newAt is the step that covers n credentials: a package per PerPackage, at least one.
	newAt := func(n int64) (decimal.Decimal, bool) {
		k := max((n+c.PerPackage-1)/c.PerPackage, 1) - 1
		if k >= int64(len(c.NewSteps)) {
			return decimal.Decimal{}, false
		}
		return c.NewSteps[k], true
	}

	top := decimal.Max(c.OldAtMax, append([]decimal.Decimal{c.OldAtZero}, c.NewSteps...)...)
	yStep, yTop := niceCostAxis(top)
	p := v.plot
	x := func(n int64) float64 { return p.L + float64(n)/float64(maxC)*(p.R-p.L) }
	y := func(d decimal.Decimal) float64 {
		if !yTop.IsPositive() {
			return p.B
		}
		return p.B - d.Div(yTop).InexactFloat64()*(p.B-p.T)
	}

	xStep := niceCountStep(maxC)
	for n := int64(0); n <= maxC; n += xStep {
		v.xTicks = append(v.xTicks, chartTick{Pos: x(n), Label: Count(n)})
	}
	for d := decimal.Zero; d.LessThanOrEqual(yTop); d = d.Add(yStep) {
		v.yTicks = append(v.yTicks, chartTick{Pos: y(d), Label: Number(d)})
	}

	v.oldPoints = points(x(0), y(c.OldAtZero), x(maxC), y(c.OldAtMax))
	var steps []float64
	for k, s := range c.NewSteps {
		from := int64(k) * c.PerPackage
		if from >= maxC {
			break
		}
		to := min(from+c.PerPackage, maxC)
		steps = append(steps, x(from), y(s), x(to), y(s))
	}
	v.newPoints = points(steps...)

	lastLabel := math.Inf(-1)
	for _, r := range c.Cheaper {
		v.runs = append(v.runs, chartRun{X: x(r.From), W: math.Max(x(r.To)-x(r.From), 2), From: r.From, To: r.To})
		for _, e := range []struct {
			n    int64
			kind string
		}{{r.From, "from"}, {r.To, "to"}} {
			s, _ := newAt(e.n)
			pt := chartPoint{X: x(e.n), Y: y(s), Credentials: e.n, Kind: e.kind}
			if e.kind == "from" {
				// Label the run below its centre, above the axis, unless it would run
				// into the previous label.
				lx := clamp((x(r.From)+x(r.To))/2, p.L+24, p.R-24)
				if lx-lastLabel >= 56 {
					pt.Label, pt.LabelX, lastLabel = Count(e.n), lx, lx
				}
			}
			v.points = append(v.points, pt)
		}
	}

	v.Text = cheaperText(c)
	if credentials > 0 {
		v.HasPosition = true
		v.OldCost = oldAt(credentials)
		if s, ok := newAt(credentials); ok && credentials <= maxC {
			v.NewCost = s
			v.you = youMarker(p, x(credentials), y(v.OldCost), y(v.NewCost), credentials, Money(v.OldCost), Money(v.NewCost))
			v.Text += "; at your " + credentialsText(credentials) + " old billing costs " + Money(v.OldCost) + " " + currency +
				" and new billing " + Money(v.NewCost) + " " + currency + " a month."
		} else {
			v.Beyond = true
			v.HasPosition = false
			v.OldCost = decimal.Decimal{}
			v.Text += "; your " + credentialsText(credentials) + " are beyond this chart, which ends at " + Count(maxC) + "."
		}
	} else {
		v.Text += "."
	}

	v.Desc = "Monthly cost in " + currency + " against credentials from 0 to " + Count(maxC) +
		". Old billing, a dashed line, rises steadily from " + Money(c.OldAtZero) + " to " + Money(c.OldAtMax) +
		". New billing, a solid line, steps up every " + Count(c.PerPackage) + " credentials from " +
		Money(c.NewSteps[0]) + " to " + Money(c.NewSteps[len(c.NewSteps)-1]) + ". " + v.Text
	return v
}

// cheaperText names the runs where new billing is cheaper, without the final stop.
func cheaperText(c pricing.Curves) string {
	if len(c.Cheaper) == 0 {
		return "New billing is not cheaper at any count up to " + Count(c.MaxCredentials) + " credentials"
	}
	parts := make([]string, len(c.Cheaper))
	for i, r := range c.Cheaper {
		if r.From == r.To {
			parts[i] = "at " + Count(r.From)
		} else {
			parts[i] = "from " + Count(r.From) + " to " + Count(r.To)
		}
	}
	return "New billing is cheaper " + strings.Join(parts, ", ") + " credentials"
}

func credentialsText(n int64) string {
	if n == 1 {
		return "1 credential"
	}
	return Count(n) + " credentials"
}

// youMarker places the customer's line and its two cost labels on the side with more
// room: the dearer cost above its dot and the cheaper one below, so that neither sits
// on the new billing's flat step, and a line apart when the costs are close.
func youMarker(p chartRect, x, oldY, newY float64, n int64, oldCost, newCost string) *chartYou {
	m := &chartYou{X: x, OldY: oldY, NewY: newY, Label: "You: " + Count(n),
		OldLabel: "Old " + oldCost, NewLabel: "New " + newCost, LabelX: x + 8, Anchor: "start"}
	if x > (p.L+p.R)/2 {
		m.LabelX, m.Anchor = x-8, "end"
	}
	const line = 19 // a line of 15-unit text and its background
	// On screen, a higher cost is a smaller y.
	upperY, lowerY := math.Min(oldY, newY), math.Max(oldY, newY)
	lo, hi := p.T+16+line, p.B-8-line // below the "You" label, above the break-even labels
	lower := math.Min(lowerY+line, hi)
	upper := math.Min(upperY-8, lower-line)
	if upper < lo {
		upper = lo
		lower = math.Max(lower, upper+line)
	}
	if oldY <= newY { // old billing is the dearer (or equal) one
		m.OldLabelY, m.NewLabelY = upper, lower
	} else {
		m.OldLabelY, m.NewLabelY = lower, upper
	}
	return m
}

// niceCostAxis picks a round step (1, 2, 2.5 or 5 times a power of ten) giving at
// most five intervals, and the first multiple of it at or above top.
func niceCostAxis(top decimal.Decimal) (step, axisTop decimal.Decimal) {
	if !top.IsPositive() {
		return decimal.NewFromInt(1), decimal.NewFromInt(1)
	}
	raw := top.Div(decimal.NewFromInt(5))
	exp := int32(math.Floor(math.Log10(raw.InexactFloat64())))
	for _, m := range []int64{10, 20, 25, 50, 100} {
		step = decimal.New(m, exp-1)
		if step.GreaterThanOrEqual(raw) {
			break
		}
	}
	return step, top.Div(step).Ceil().Mul(step)
}

// niceCountStep is a round credential step giving three to five intervals.
func niceCountStep(maxC int64) int64 {
	raw := float64(maxC) / 4
	pow := int64(1)
	for float64(pow)*10 <= raw {
		pow *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		// 2.5 × pow as a whole number when pow ≥ 10
		if m == 5 && pow >= 10 && float64(pow*25/10) >= raw {
			return pow * 25 / 10
		}
		if float64(pow*m) >= raw {
			return pow * m
		}
	}
	return pow * 10
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(v, hi)) }

// attrInt writes a count for a data- attribute, without separators.
func attrInt(n int64) string { return strconv.FormatInt(n, 10) }

// px writes a drawing position with one decimal: enough for a 480-unit drawing.
func px(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// points writes x,y pairs for a polyline.
func points(xy ...float64) string {
	var b strings.Builder
	for i := 0; i+1 < len(xy); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(px(xy[i]) + "," + px(xy[i+1]))
	}
	return b.String()
}
