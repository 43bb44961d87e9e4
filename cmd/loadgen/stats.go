package main

import (
	"math"
	"slices"
	"time"
)

// Summary is what one scenario measured in its timed window.
type Summary struct {
	Name     string
	Requests int           // answered as expected (2xx or 3xx; for orders, 303 to the order)
	Errors   int           // transport errors and any other answer
	FirstErr string        // the first error, to say what went wrong
	Elapsed  time.Duration // from the start of the window to the last answer counted
	P50, P99 time.Duration // of the requests answered as expected
	Max      time.Duration
	// CPU time spent per answered request, in the server process and in this one.
	ServerCPU, ClientCPU time.Duration
	Note                 string // e.g. "window ended early: review forms used up"
}

// RPS is the answered requests per second of the window.
func (s Summary) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// percentile is the nearest-rank percentile p (0 < p <= 100) of sorted latencies:
// the smallest value that at least p percent of the values are at or below.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// summarize sorts latencies in place and fills the figures of a Summary.
func summarize(name string, latencies []time.Duration, errors int, elapsed time.Duration) Summary {
	slices.Sort(latencies)
	s := Summary{Name: name, Requests: len(latencies), Errors: errors, Elapsed: elapsed}
	if len(latencies) > 0 {
		s.P50 = percentile(latencies, 50)
		s.P99 = percentile(latencies, 99)
		s.Max = latencies[len(latencies)-1]
	}
	return s
}
