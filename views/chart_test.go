package views

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"kmsconsole/pricing"
)

// curves draws old against new billing without QPS units, as the chart's tests need.
func curves(t *testing.T, region string, apiCalls, packages int64) pricing.Curves {
	t.Helper()
	b, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	c, ok := b.BillingCurves(region, 0, pricing.Calls{Monthly: apiCalls}, packages)
	if !ok {
		t.Fatalf("no curves for %s", region)
	}
	return c
}

// renderChart renders the chart and parses it as a browser would.
func renderChart(t *testing.T, v BreakEvenChart) *html.Node {
	t.Helper()
	var b strings.Builder
	if err := BreakEvenChartView(v).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// all returns the elements under n that match.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func byTestID(n *html.Node, id string) []*html.Node {
	return all(n, func(d *html.Node) bool { v, _ := attr(d, "data-testid"); return v == id })
}

func byTag(n *html.Node, tag string) []*html.Node {
	return all(n, func(d *html.Node) bool { return d.Data == tag })
}

func one(t *testing.T, n *html.Node, testid string) *html.Node {
	t.Helper()
	found := byTestID(n, testid)
	if len(found) != 1 {
		t.Fatalf("%d elements with data-testid=%q, want 1", len(found), testid)
	}
	return found[0]
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func TestBreakEvenChartIsAnAccessibleImage(t *testing.T) {
	doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), 100, "USD"))
	fig := one(t, doc, "breakeven-chart")
	if fig.Data != "figure" {
		t.Errorf("the chart is a <%s>, want a <figure>", fig.Data)
	}
	svgs := all(fig, func(d *html.Node) bool { r, _ := attr(d, "role"); return d.Data == "svg" && r == "img" })
	if len(svgs) != 1 {
		t.Fatalf("%d svg elements with role=img, want 1", len(svgs))
	}
	svg := svgs[0]
	if vb, _ := attr(svg, "viewBox"); vb == "" {
		t.Error("the svg has no viewBox: it would not scale to a phone")
	}
	if w, _ := attr(svg, "width"); w != "100%" {
		t.Errorf("svg width %q, want 100%%", w)
	}
	labelledBy, _ := attr(svg, "aria-labelledby")
	ids := strings.Fields(labelledBy)
	if len(ids) != 2 {
		t.Fatalf("aria-labelledby=%q, want the title and the desc", labelledBy)
	}
	for i, tag := range []string{"title", "desc"} {
		els := byTag(svg, tag)
		if len(els) != 1 {
			t.Fatalf("%d <%s> in the svg, want 1", len(els), tag)
		}
		if id, _ := attr(els[0], "id"); id != ids[i] {
			t.Errorf("<%s> id=%q, aria-labelledby names %q", tag, id, ids[i])
		}
		if text(els[0]) == "" {
			t.Errorf("<%s> is empty", tag)
		}
	}
	if desc := text(byTag(svg, "desc")[0]); !strings.Contains(desc, "from 916 to 1,000") {
		t.Errorf("the desc does not give the break-even points: %q", desc)
	}
	if p := one(t, doc, "breakeven-text"); p.Data != "p" || p.Parent.Data != "figcaption" {
		t.Errorf("the text alternative is a <%s> in a <%s>, want a <p> in the <figcaption>", p.Data, p.Parent.Data)
	}
	if legend := text(one(t, doc, "breakeven-legend")); !strings.Contains(legend, "dashed") || !strings.Contains(legend, "solid") {
		t.Errorf("the legend does not name the line styles: %q", legend)
	}
}

// TestBreakEvenChartObeysTheContentSecurityPolicy: style-src 'self' and no inline
// script, so nothing may carry a style attribute, a <style>, a <script> or a handler.
func TestBreakEvenChartObeysTheContentSecurityPolicy(t *testing.T) {
	for _, credentials := range []int64{0, 100, 2999, 5000} {
		doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), credentials, "USD"))
		for _, tag := range []string{"style", "script"} {
			if n := len(byTag(doc, tag)); n > 0 {
				t.Errorf("%d credentials: %d <%s> elements", credentials, n, tag)
			}
		}
		for d := range doc.Descendants() {
			for _, a := range d.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("%d credentials: <%s %s=%q>", credentials, d.Data, a.Key, a.Val)
				}
			}
		}
	}
}

func TestBreakEvenChartDrawsOneLinePerBilling(t *testing.T) {
	doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), 100, "USD"))
	old := one(t, doc, "line-old")
	if pts, _ := attr(old, "points"); len(strings.Fields(pts)) != 2 {
		t.Errorf("old billing is a straight line, got points %q", pts)
	}
	if dash, _ := attr(old, "stroke-dasharray"); dash == "" {
		t.Error("old billing is told apart by colour alone: it should be dashed")
	}
	// Three packages: a level and a riser for each, so six points.
	if pts, _ := attr(one(t, doc, "line-new"), "points"); len(strings.Fields(pts)) != 6 {
		t.Errorf("new billing is three steps, got points %q", pts)
	}
}

func TestBreakEvenChartMarksEveryBreakEvenPoint(t *testing.T) {
	doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), 100, "USD"))
	var got []string
	for _, pt := range byTestID(doc, "breakeven-point") {
		kind, _ := attr(pt, "data-kind")
		n, _ := attr(pt, "data-credentials")
		got = append(got, kind+" "+n)
	}
	want := []string{"from 916", "to 1000", "from 1831", "to 2000", "from 2746", "to 3000"}
	if !slices.Equal(got, want) {
		t.Errorf("break-even points %v, want %v", got, want)
	}
	runs := all(doc, func(d *html.Node) bool { c, _ := attr(d, "class"); return c == "breakeven-run" })
	if len(runs) != 3 {
		t.Errorf("%d shaded runs, want 3", len(runs))
	}
	if got, want := text(one(t, doc, "breakeven-text")),
		"New billing is cheaper from 916 to 1,000, from 1,831 to 2,000, from 2,746 to 3,000 credentials; "+
			"at your 100 credentials old billing costs 40.00 USD and new billing 366.00 USD a month."; got != want {
		t.Errorf("text alternative\n got %q\nwant %q", got, want)
	}
}

func TestBreakEvenChartShowsTheCustomersPositionWithBothCosts(t *testing.T) {
	doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), 100, "USD"))
	you := one(t, doc, "breakeven-you")
	if len(byTag(you, "line")) != 1 {
		t.Error("no vertical line at the customer's credentials")
	}
	if got := text(one(t, you, "breakeven-you-old")); got != "Old 40.00" {
		t.Errorf("old cost label %q", got)
	}
	if got := text(one(t, you, "breakeven-you-new")); got != "New 366.00" {
		t.Errorf("new cost label %q", got)
	}
}

// TestBreakEvenChartCostsAtTheCustomersCount checks the two costs at the edges of
// the steps and of the break-even runs, and the guide's worked example to the cent.
func TestBreakEvenChartCostsAtTheCustomersCount(t *testing.T) {
	tests := []struct {
		name          string
		apiCalls      int64
		credentials   int64
		wantOld, want string
	}{
		{"guide example: 100 credentials called 20 times a day", 60_000, 100, "40.30", "366.00"},
		{"a tie is not cheaper", 0, 915, "366.00", "366.00"},
		{"new billing cheaper from here", 0, 916, "366.40", "366.00"},
		{"the end of a package", 0, 1000, "400.00", "366.00"},
		{"the first credential of the second package", 0, 1001, "400.40", "732.00"},
		{"the end of the chart", 0, 3000, "1,200.00", "1,098.00"},
		{"one credential buys a package", 0, 1, "0.40", "366.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewBreakEvenChart(curves(t, "ap-beijing", tt.apiCalls, 3), tt.credentials, "USD")
			if !v.HasPosition || Money(v.OldCost) != tt.wantOld || Money(v.NewCost) != tt.want {
				t.Errorf("old %s new %s (shown %v), want old %s new %s", Money(v.OldCost), Money(v.NewCost), v.HasPosition, tt.wantOld, tt.want)
			}
		})
	}
}

func TestBreakEvenChartSaysWhenNewBillingIsNeverCheaper(t *testing.T) {
	doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-tokyo", 0, 3), 2400, "USD"))
	if n := len(byTestID(doc, "breakeven-point")); n != 0 {
		t.Errorf("%d break-even points, want none", n)
	}
	if got, want := text(one(t, doc, "breakeven-text")),
		"New billing is not cheaper at any count up to 3,000 credentials; "+
			"at your 2,400 credentials old billing costs 960.00 USD and new billing 1,587.00 USD a month."; got != want {
		t.Errorf("text alternative\n got %q\nwant %q", got, want)
	}
	one(t, doc, "breakeven-you")
}

func TestBreakEvenChartSaysWhenTheCustomerIsBeyondIt(t *testing.T) {
	v := NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), 5000, "USD")
	doc := renderChart(t, v)
	if n := len(byTestID(doc, "breakeven-you")); n != 0 {
		t.Errorf("a position marker outside the chart")
	}
	if v.HasPosition || !v.Beyond {
		t.Errorf("HasPosition %v Beyond %v, want false true", v.HasPosition, v.Beyond)
	}
	if got, want := text(one(t, doc, "breakeven-text")),
		"New billing is cheaper from 916 to 1,000, from 1,831 to 2,000, from 2,746 to 3,000 credentials; "+
			"your 5,000 credentials are beyond this chart, which ends at 3,000."; got != want {
		t.Errorf("text alternative\n got %q\nwant %q", got, want)
	}
	// The break-even points are still there.
	if n := len(byTestID(doc, "breakeven-point")); n != 6 {
		t.Errorf("%d break-even points, want 6", n)
	}
}

func TestBreakEvenChartAxesHaveRoundReadableTicks(t *testing.T) {
	tests := []struct {
		name       string
		region     string
		apiCalls   int64
		packages   int64
		wantX      []string
		wantYLast  string
		wantYCount int
	}{
		{"group I", "ap-beijing", 0, 3, []string{"0", "1,000", "2,000", "3,000"}, "1,250", 6},
		{"group II", "ap-tokyo", 0, 3, []string{"0", "1,000", "2,000", "3,000"}, "2,000", 5},
		{"ten packages", "ap-beijing", 0, 10, []string{"0", "2,500", "5,000", "7,500", "10,000"}, "4,000", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewBreakEvenChart(curves(t, tt.region, tt.apiCalls, tt.packages), 1, "USD")
			var xs, ys []string
			for _, tk := range v.xTicks {
				xs = append(xs, tk.Label)
			}
			for _, tk := range v.yTicks {
				ys = append(ys, tk.Label)
			}
			if !slices.Equal(xs, tt.wantX) {
				t.Errorf("x ticks %v, want %v", xs, tt.wantX)
			}
			if len(ys) != tt.wantYCount || ys[0] != "0" || ys[len(ys)-1] != tt.wantYLast {
				t.Errorf("y ticks %v, want %d from 0 to %s", ys, tt.wantYCount, tt.wantYLast)
			}
		})
	}
}

// TestBreakEvenChartStaysInsideItsViewBox: nothing drawn at a position the
// viewBox would cut off, at either end of the chart.
func TestBreakEvenChartStaysInsideItsViewBox(t *testing.T) {
	for _, credentials := range []int64{1, 916, 2999, 3000} {
		doc := renderChart(t, NewBreakEvenChart(curves(t, "ap-beijing", 0, 3), credentials, "USD"))
		for d := range doc.Descendants() {
			if d.Data == "filter" {
				continue // its region is a fraction of the label it backs
			}
			for _, a := range d.Attr {
				var limit float64
				switch a.Key {
				case "x", "x1", "x2", "cx":
					limit = chartWidth
				case "y", "y1", "y2", "cy":
					limit = chartHeight
				default:
					continue
				}
				f, err := strconv.ParseFloat(a.Val, 64)
				if err != nil || f < 0 || f > limit {
					t.Errorf("%d credentials: <%s %s=%q> outside 0..%v", credentials, d.Data, a.Key, a.Val, limit)
				}
			}
		}
	}
}
