package main

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"
)

// Target is what the issue asks of a scenario; a zero field asks nothing.
type Target struct {
	MinRatio float64       // req/s as a share of the bare handler's, same machine, same run
	MinRPS   float64       // absolute answers a second (durable orders)
	MaxP99   time.Duration // p99 latency strictly below this
}

func (t Target) String() string {
	var parts []string
	if t.MinRatio > 0 {
		parts = append(parts, fmt.Sprintf("≥%.2f×bare", t.MinRatio))
	}
	if t.MinRPS > 0 {
		parts = append(parts, fmt.Sprintf("≥%.0f/s", t.MinRPS))
	}
	if t.MaxP99 > 0 {
		parts = append(parts, "p99<"+t.MaxP99.String())
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// Ceiling is what the bare handler did: the figures every scenario is divided by.
type Ceiling struct {
	RPS float64       // answers a second
	CPU time.Duration // CPU time per answer, server and client together
}

// Row is a scenario's line in the table: its figures and its verdict.
type Row struct {
	Summary
	Ratio float64 // req/s divided by the ceiling's; 0 without a ceiling
	// CPURatio is the ceiling's CPU time per request (server and client) divided by the
	// scenario's: what Ratio would be on an idle machine where the CPU is the limit. It
	// is steadier than Ratio when others share the machine; the verdict uses Ratio.
	CPURatio float64
	Target   Target
	Verdict  string // "PASS", "MISS (what)", or "-" for a scenario without a target
}

// evaluate compares a summary with its target. A zero ceiling is unknown: a ratio
// target cannot be judged and counts as missed.
func evaluate(s Summary, ceiling Ceiling, t Target) Row {
	r := Row{Summary: s, Target: t, Verdict: "-"}
	if ceiling.RPS > 0 {
		r.Ratio = s.RPS() / ceiling.RPS
	}
	if cpu := s.ServerCPU + s.ClientCPU; ceiling.CPU > 0 && cpu > 0 {
		r.CPURatio = float64(ceiling.CPU) / float64(cpu)
	}
	if t == (Target{}) {
		return r
	}
	var missed []string
	if t.MinRatio > 0 && (ceiling.RPS <= 0 || r.Ratio < t.MinRatio) {
		missed = append(missed, "ratio")
	}
	if t.MinRPS > 0 && s.RPS() < t.MinRPS {
		missed = append(missed, "rate")
	}
	if t.MaxP99 > 0 && (s.Requests == 0 || s.P99 >= t.MaxP99) {
		missed = append(missed, "p99")
	}
	if s.Requests == 0 {
		missed = append(missed[:0], "no answers")
	}
	if len(missed) == 0 {
		r.Verdict = "PASS"
	} else {
		r.Verdict = "MISS (" + strings.Join(missed, ", ") + ")"
	}
	return r
}

// writeTable prints the rows as an aligned table, then a note per row that has one.
func writeTable(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\treq/s\tp50\tp99\tmax\terrors\tsrv cpu/req\tcli cpu/req\tratio\tcpu ratio\ttarget\tresult\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			r.Name, r.Requests, r.RPS(), ms(r.P50), ms(r.P99), ms(r.Max), r.Errors,
			us(r.ServerCPU), us(r.ClientCPU), ratio(r.Ratio), ratio(r.CPURatio), r.Target, r.Verdict)
	}
	tw.Flush()
	for _, r := range rows {
		if r.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", r.Name, r.Note)
		}
		if r.FirstErr != "" {
			fmt.Fprintf(w, "  %s: first error: %s\n", r.Name, r.FirstErr)
		}
	}
}

// writeBenchLines prints the rows in the Go benchmark format, so that benchstat can
// compare two load runs (benchstat old.txt new.txt).
func writeBenchLines(w io.Writer, rows []Row, procs int) {
	for _, r := range rows {
		if r.Requests == 0 {
			continue
		}
		fmt.Fprintf(w, "BenchmarkLoad/%s-%d\t%d\t%.0f ns/op\t%.1f req/s\t%.3f p50-ms\t%.3f p99-ms",
			benchName(r.Name), procs, r.Requests, float64(r.Elapsed.Nanoseconds())/float64(r.Requests),
			r.RPS(), msf(r.P50), msf(r.P99))
		if r.Ratio > 0 {
			fmt.Fprintf(w, "\t%.4f ratio", r.Ratio)
		}
		if r.CPURatio > 0 {
			fmt.Fprintf(w, "\t%.4f cpu-ratio", r.CPURatio)
		}
		fmt.Fprintln(w)
	}
}

var notName = regexp.MustCompile(`[^A-Za-z0-9]+`)

// benchName makes a scenario's name one benchmark name: "quote API" → "quote_API".
func benchName(s string) string { return strings.Trim(notName.ReplaceAllString(s, "_"), "_") }

func ratio(x float64) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fms", msf(d))
}

func us(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fµs", math.Round(float64(d)/float64(time.Microsecond)))
}
