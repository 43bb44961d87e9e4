package systemtest

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

const estimate = "ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1"

// attempt is one order a buyer tried to place: its form (with its one-time token) and,
// when the server acknowledged it, the order ID it answered.
type attempt struct {
	client *testserver.Client
	form   url.Values
	id     string
}

// TestAcknowledgedOrdersSurviveSIGKILL places orders from several buyers at once,
// kills the server with SIGKILL in the middle, starts it again on the same data, and
// checks that every acknowledged order is there, intact and once.
func TestAcknowledgedOrdersSurviveSIGKILL(t *testing.T) {
	srv := testserver.Start(t, consoleBin)
	const buyers = 6
	var (
		mu       sync.Mutex
		attempts []*attempt
		acked    atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for range buyers {
		c := testserver.NewClient(t, srv.URL)
		forms := make([]url.Values, 40)
		for i := range forms {
			forms[i] = c.ReviewForm(estimate + "&again=1") // a new order each: its own token
		}
		wg.Go(func() {
			for _, f := range forms {
				if stop.Load() {
					return
				}
				a := &attempt{client: c, form: f}
				mu.Lock()
				attempts = append(attempts, a)
				mu.Unlock()
				id, err := c.PlaceOrder(f)
				if err != nil {
					return // the server is gone: this attempt was not acknowledged
				}
				mu.Lock()
				a.id = id
				mu.Unlock()
				acked.Add(1)
			}
		})
	}
	// Kill it mid-stream: once some orders are acknowledged, while others are in flight.
	deadline := time.Now().Add(20 * time.Second)
	for acked.Load() < 30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	srv.Kill()
	stop.Store(true)
	wg.Wait()
	if acked.Load() == 0 {
		t.Fatal("no order was acknowledged before the kill")
	}

	again := testserver.Start(t, consoleBin, testserver.DataDir(srv.DataDir), testserver.Addr(srv.Addr))
	var ackedIDs, retried int
	for _, a := range attempts {
		a.client.Base = again.URL
		if a.id != "" {
			ackedIDs++
			code, body, _ := a.client.Get("/orders/" + a.id)
			if code != http.StatusOK || !strings.Contains(body, a.id) || !strings.Contains(body, "22,380.00") {
				t.Errorf("acknowledged order %s after the restart: %d", a.id, code)
			}
		}
		// Retrying any attempt (acknowledged or cut off) ends on one order per token.
		id, err := a.client.PlaceOrder(a.form)
		if err != nil {
			t.Fatalf("retry after the restart: %v", err)
		}
		if a.id != "" && id != a.id {
			t.Errorf("retry of acknowledged %s placed another order %s", a.id, id)
		}
		if a.id == "" {
			retried++
		}
		a.id = id
	}
	// Every buyer's "My orders" lists each of its attempts exactly once.
	perClient := map[*testserver.Client]map[string]bool{}
	for _, a := range attempts {
		if perClient[a.client] == nil {
			perClient[a.client] = map[string]bool{}
		}
		perClient[a.client][a.id] = true
	}
	for c, want := range perClient {
		got := c.MyOrders()
		if len(got) != len(want) {
			t.Errorf("a buyer's orders: %d listed, %d attempts", len(got), len(want))
		}
		for _, id := range got {
			if !want[id] {
				t.Errorf("order %s was never asked for", id)
			}
		}
	}
	t.Logf("%d orders acknowledged before SIGKILL, %d cut off and placed on retry", ackedIDs, retried)
}
