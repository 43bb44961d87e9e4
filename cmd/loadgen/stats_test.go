package main

import (
	"testing"
	"time"
)

func ms_(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentileIsTheNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms_(float64(i + 1)) // 1ms .. 100ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one value is every percentile", []time.Duration{ms_(7)}, 99, ms_(7)},
		{"median of 100", hundred, 50, ms_(50)},
		{"p99 of 100", hundred, 99, ms_(99)},
		{"p100 is the maximum", hundred, 100, ms_(100)},
		{"a tiny p is the minimum", hundred, 0.001, ms_(1)},
		{"p99 of 10 is the maximum", hundred[:10], 99, ms_(10)},
		{"median of 4 is the second", []time.Duration{1, 2, 3, 4}, 50, 2},
		{"p51 of 4 is the third", []time.Duration{1, 2, 3, 4}, 51, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeSortsAndCountsOnlyAnswers(t *testing.T) {
	lat := []time.Duration{ms_(30), ms_(10), ms_(20), ms_(40)}
	s := summarize("x", lat, 3, 2*time.Second)
	if s.Requests != 4 || s.Errors != 3 {
		t.Errorf("requests %d errors %d, want 4 and 3", s.Requests, s.Errors)
	}
	if s.P50 != ms_(20) || s.P99 != ms_(40) || s.Max != ms_(40) {
		t.Errorf("p50 %v p99 %v max %v", s.P50, s.P99, s.Max)
	}
	if got := s.RPS(); got != 2 {
		t.Errorf("RPS %v, want 2 (4 answers in 2 s; errors do not count)", got)
	}
	if (Summary{Requests: 5}).RPS() != 0 {
		t.Error("RPS of an empty window should be 0")
	}
}

func TestParseProcStatCPUCountsUserAndSystemTicks(t *testing.T) {
	// Field 2 may hold spaces and parentheses; utime and stime are fields 14 and 15.
	line := "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 130 0 0 20 0 9 0 100 0 0"
	got, err := parseProcStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3800 * time.Millisecond; got != want {
		t.Errorf("CPU %v, want %v (380 ticks at 100 Hz)", got, want)
	}
	if _, err := parseProcStatCPU("4242 (short) S 1 2"); err == nil {
		t.Error("a short line should be an error")
	}
}
