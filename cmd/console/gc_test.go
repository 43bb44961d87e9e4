package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCLeavesAnOperatorsGOGCAlone(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != serverGCPercent {
		t.Errorf("without GOGC: GC percent %d, want %d", got, serverGCPercent)
	}
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=50: tuneGC changed the GC percent to %d", got)
	}
}
