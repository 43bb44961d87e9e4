package main

import (
	"strings"
	"testing"
	"time"
)

// window10 is a summary of n answers in 10 s with the given p99.
func window10(n int, p99 time.Duration) Summary {
	return Summary{Name: "s", Requests: n, Elapsed: 10 * time.Second, P50: p99 / 2, P99: p99}
}

func TestEvaluateJudgesTheRatioToTheBareHandlerAndTheP99(t *testing.T) {
	ceiling := Ceiling{RPS: 10000, CPU: 100 * time.Microsecond}
	quote := Target{MinRatio: 0.5, MaxP99: 20 * time.Millisecond}
	tests := []struct {
		name    string
		s       Summary
		ceiling Ceiling
		target  Target
		ratio   float64
		verdict string
	}{
		{"at the ratio and under the p99", window10(50000, 19*time.Millisecond), ceiling, quote, 0.5, "PASS"},
		{"below the ratio", window10(40000, 5*time.Millisecond), ceiling, quote, 0.4, "MISS (ratio)"},
		{"p99 at the limit is a miss", window10(60000, 20*time.Millisecond), ceiling, quote, 0.6, "MISS (p99)"},
		{"both missed", window10(10000, 80*time.Millisecond), ceiling, quote, 0.1, "MISS (ratio, p99)"},
		{"no ceiling: a ratio cannot pass", window10(60000, time.Millisecond), Ceiling{}, quote, 0, "MISS (ratio)"},
		{"orders at the rate", window10(10000, time.Second), ceiling, ordersTarget, 0.1, "PASS"},
		{"orders below the rate", window10(9990, time.Millisecond), ceiling, ordersTarget, 0.0999, "MISS (rate)"},
		{"no answers at all", window10(0, 0), ceiling, quote, 0, "MISS (no answers)"},
		{"no target", window10(1000, time.Second), ceiling, Target{}, 0.01, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evaluate(tt.s, tt.ceiling, tt.target)
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %q, want %q", r.Verdict, tt.verdict)
			}
			if diff := r.Ratio - tt.ratio; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("ratio %v, want %v", r.Ratio, tt.ratio)
			}
		})
	}
}

func TestCPURatioIsTheBareHandlersCPUOverTheScenarios(t *testing.T) {
	s := window10(100, time.Millisecond)
	s.ServerCPU, s.ClientCPU = 300*time.Microsecond, 100*time.Microsecond
	r := evaluate(s, Ceiling{RPS: 1, CPU: 100 * time.Microsecond}, Target{})
	if r.CPURatio != 0.25 {
		t.Errorf("CPU ratio %v, want 0.25", r.CPURatio)
	}
	if r := evaluate(window10(100, 0), Ceiling{RPS: 1, CPU: time.Microsecond}, Target{}); r.CPURatio != 0 {
		t.Errorf("CPU ratio without CPU figures %v, want 0 (unknown)", r.CPURatio)
	}
}

func TestTargetsReadAsTheIssueStatesThem(t *testing.T) {
	for target, want := range map[Target]string{
		readScenarios[1].target: "≥0.50×bare, p99<20ms",
		readScenarios[2].target: "≥0.40×bare, p99<20ms",
		readScenarios[3].target: "≥0.30×bare, p99<20ms",
		ordersTarget:            "≥1000/s",
		{}:                      "-",
	} {
		if got := target.String(); got != want {
			t.Errorf("%+v reads %q, want %q", target, got, want)
		}
	}
}

func TestTableAndBenchmarkLines(t *testing.T) {
	ceiling := Ceiling{RPS: 10000}
	bare := evaluate(window10(100000, 2*time.Millisecond), ceiling, Target{})
	bare.Name = `bare chi "ok" (before)`
	quote := evaluate(window10(20000, 30*time.Millisecond), ceiling, readScenarios[1].target)
	quote.Name, quote.FirstErr = "quote API", "POST /api/v1/quotes: status 500"
	var b strings.Builder
	writeTable(&b, []Row{bare, quote})
	out := b.String()
	for _, want := range []string{"scenario", "req/s", "10000", "2000", "0.200", "30.00ms",
		"MISS (ratio, p99)", "quote API: first error: POST /api/v1/quotes: status 500"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	b.Reset()
	writeBenchLines(&b, []Row{bare, quote, {Summary: Summary{Name: "empty"}}}, 2)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a line per scenario with answers, got:\n%s", b.String())
	}
	if want := "BenchmarkLoad/bare_chi_ok_before-2\t100000\t100000 ns/op\t10000.0 req/s\t1.000 p50-ms\t2.000 p99-ms\t1.0000 ratio"; lines[0] != want {
		t.Errorf("benchmark line\n%q, want\n%q", lines[0], want)
	}
	for _, l := range lines {
		// benchstat reads: name, iterations, then value-unit pairs.
		f := strings.Split(l, "\t")
		if !strings.HasPrefix(f[0], "BenchmarkLoad/") || strings.Contains(f[0], " ") {
			t.Errorf("not a benchmark line: %q", l)
		}
		for _, pair := range f[2:] {
			if len(strings.Fields(pair)) != 2 {
				t.Errorf("%q: %q is not a value and a unit", l, pair)
			}
		}
	}
}
