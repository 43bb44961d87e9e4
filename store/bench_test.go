package store_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

// BenchmarkPlaceOrder places distinct orders from parallel goroutines, each one
// durable (committed and synced) before PlaceOrder returns; no batching.
func BenchmarkPlaceOrder(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkPlaceOrder(b, b.TempDir(), "") })
	b.Run("postgres", func(b *testing.B) { benchmarkPlaceOrder(b, "", storetest.PostgresURL(b)) })
}

func benchmarkPlaceOrder(b *testing.B, dataDir, databaseURL string) {
	ctx := context.Background()
	s, err := store.Open(ctx, dataDir, databaseURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n atomic.Int64
	b.SetParallelism(4) // 4 x GOMAXPROCS goroutines: requests waiting on the disk overlap
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := strconv.FormatInt(n.Add(1), 10)
			if _, _, err := s.PlaceOrder(ctx, storetest.SampleOrder("session-"+key, key)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
