package main

import (
	"strings"
	"testing"
	"time"
)

func samplesOf(mib ...int64) []rssSample {
	var s []rssSample
	for i, m := range mib {
		s = append(s, rssSample{At: time.Duration(i) * time.Second, RSS: m << 20})
	}
	return s
}

func TestResidentMemoryIsFlatWithinTwentyPercentOfTheWarmValue(t *testing.T) {
	tests := []struct {
		name    string
		samples []rssSample
		flat    bool
		warm    int64
	}{
		// The climb during the warm-up (20 → 50) does not count; the reference is the
		// median of the samples of the 5 s after it.
		{"steady after the warm-up", samplesOf(20, 35, 50, 52, 48, 55, 49, 51, 59, 57), true, 50},
		{"growing past 20%", samplesOf(20, 35, 50, 50, 50, 50, 50, 55, 58, 61), false, 50},
		{"falling past 20%", samplesOf(20, 35, 50, 50, 50, 50, 50, 45, 39), false, 50},
		{"exactly 20% above", samplesOf(20, 35, 50, 50, 50, 50, 50, 60), true, 50},
		{"one low sample does not set the reference", samplesOf(20, 35, 40, 50, 50, 50, 50, 58), true, 50},
		{"never past the warm-up", samplesOf(20, 35), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evaluateSoak(tt.samples, 2*time.Second, 0.20)
			if r.Flat != tt.flat || r.Warm != tt.warm<<20 {
				t.Errorf("flat %v warm %d MiB, want %v and %d MiB", r.Flat, r.Warm>>20, tt.flat, tt.warm)
			}
			if r.First != tt.samples[0].RSS || r.Last != tt.samples[len(tt.samples)-1].RSS {
				t.Errorf("first %d last %d", r.First, r.Last)
			}
		})
	}
	var b strings.Builder
	evaluateSoak(samplesOf(20, 35, 50, 50, 50, 61), 2*time.Second, 0.20).write(&b)
	if !strings.Contains(b.String(), "max 61.0 MiB") || !strings.HasSuffix(strings.TrimSpace(b.String()), "MISS") {
		t.Errorf("soak line: %s", b.String())
	}
}

func TestMetricValueReadsAnUnlabelledSample(t *testing.T) {
	text := `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes_other 1
process_resident_memory_bytes 2.24256e+07
`
	v, ok := metricValue(text, "process_resident_memory_bytes")
	if !ok || v != 22425600 {
		t.Errorf("got %v %v", v, ok)
	}
	if _, ok := metricValue(text, "go_goroutines"); ok {
		t.Error("found a metric that is not there")
	}
	rss, err := vmRSS("Name:\tconsole\nVmRSS:\t   21900 kB\nThreads: 9\n")
	if err != nil || rss != 21900*1024 {
		t.Errorf("VmRSS %d %v", rss, err)
	}
}
