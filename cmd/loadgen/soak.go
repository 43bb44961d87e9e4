package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// rssSample is the console's resident memory at a time since the soak began.
type rssSample struct {
	At  time.Duration
	RSS int64
}

// SoakResult says whether the resident memory stayed flat: every sample after the
// warm-up within Tolerance of the value after the warm-up (Warm: the median of the
// samples of the 5 s that follow it, so that one sample taken just before or after a
// garbage collection does not set the reference).
type SoakResult struct {
	First, Warm, Last, Min, Max int64 // Min and Max over the samples after the warm-up
	WarmAt                      time.Duration
	Samples                     int
	Tolerance                   float64
	Flat                        bool
}

// evaluateSoak judges the samples (in time order) against the value at warmup.
func evaluateSoak(samples []rssSample, warmup time.Duration, tolerance float64) SoakResult {
	r := SoakResult{Samples: len(samples), Tolerance: tolerance}
	if len(samples) == 0 {
		return r
	}
	r.First, r.Last = samples[0].RSS, samples[len(samples)-1].RSS
	warm := -1
	for i, s := range samples {
		if s.At >= warmup {
			warm = i
			break
		}
	}
	if warm < 0 {
		return r // the soak never got past its warm-up: nothing to judge
	}
	r.WarmAt = samples[warm].At
	var first []int64
	for _, s := range samples[warm:] {
		if s.At < r.WarmAt+5*time.Second {
			first = append(first, s.RSS)
		}
	}
	slices.Sort(first)
	r.Warm = first[(len(first)-1)/2]
	r.Min, r.Max = r.Warm, r.Warm
	for _, s := range samples[warm:] {
		r.Min, r.Max = min(r.Min, s.RSS), max(r.Max, s.RSS)
	}
	lo, hi := float64(r.Warm)*(1-tolerance), float64(r.Warm)*(1+tolerance)
	r.Flat = float64(r.Min) >= lo && float64(r.Max) <= hi
	return r
}

func (r SoakResult) write(w io.Writer) {
	verdict := "PASS"
	if !r.Flat {
		verdict = "MISS"
	}
	fmt.Fprintf(w, "resident memory: first %s, after warm-up (median of %s..+5s) %s, last %s, min %s, max %s after warm-up (%+.1f%% .. %+.1f%%), %d samples: within ±%.0f%%: %s\n",
		mib(r.First), r.WarmAt, mib(r.Warm), mib(r.Last), mib(r.Min), mib(r.Max),
		pct(r.Min, r.Warm), pct(r.Max, r.Warm), r.Samples, r.Tolerance*100, verdict)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func pct(v, of int64) float64 {
	if of == 0 {
		return 0
	}
	return (float64(v)/float64(of) - 1) * 100
}

// soak runs the mixed load on the console for d while sampling its resident memory
// every second. One worker in eight buys (review page, then the order, a new session
// every few orders); the others cycle through the read scenarios: the quote API, the
// live fragment and the estimator page, each for the same estimate and for one of
// soakEstimates at random, so that the console's answer cache is full and turning
// over.
func soak(ctx context.Context, p *process, tr *http.Transport, conns int, d time.Duration, l *ledger, series io.Writer) (Summary, []rssSample, error) {
	reads := readWorkers(p, tr)
	newWorker := func(i int) doFunc {
		if i%8 == 7 {
			var b *buyer
			orders := 0
			return func(ctx context.Context) error {
				if b == nil || orders == ordersPerSession {
					b, orders = newBuyer(tr), 0
				}
				if len(b.forms) == 0 {
					form, err := reviewForm(ctx, b.client, p.URL)
					if err == nil {
						b.forms = append(b.forms, form)
					}
					return err
				}
				form := b.forms[0]
				b.forms, orders = b.forms[:0], orders+1
				return placeOrder(ctx, b.client, p.URL, form, l)
			}
		}
		do := make([]doFunc, len(reads))
		for k, r := range reads {
			do[k] = r(i)
		}
		n := i
		return func(ctx context.Context) error {
			n++
			return do[n%len(do)](ctx)
		}
	}

	var samples []rssSample
	var sampleErr error
	start := time.Now()
	sample := func() {
		rss, err := p.RSS(ctx)
		if err != nil {
			sampleErr = err
			return
		}
		samples = append(samples, rssSample{At: time.Since(start).Round(time.Second), RSS: rss})
	}
	sample()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				sample()
			case <-stop:
				return
			}
		}
	})
	s, err := runLoad(ctx, "mixed (soak)", window{Conns: conns, Duration: d}, newWorker, p.CPU)
	close(stop)
	wg.Wait()
	sample()
	if err == nil && sampleErr != nil {
		err = fmt.Errorf("resident memory: %w", sampleErr)
	}
	if series != nil {
		for i, x := range samples {
			if i%5 == 0 || i == len(samples)-1 {
				fmt.Fprintf(series, "  t=%-4s rss %s\n", x.At, mib(x.RSS))
			}
		}
	}
	return s, samples, err
}
