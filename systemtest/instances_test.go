package systemtest

import (
	"net/http"
	"testing"

	"kmsconsole/internal/testserver"
	"kmsconsole/store/storetest"
)

// TestTwoInstancesShareSessionsAndOrders runs two consoles on one PostgreSQL, as behind
// a load balancer: a session started on one is recognised by the other, and orders
// placed on both are listed once each, on either.
func TestTwoInstancesShareSessionsAndOrders(t *testing.T) {
	dbURL := storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
	a := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))
	b := testserver.Start(t, consoleBin, testserver.Args("-database-url", dbURL))

	c := testserver.NewClient(t, a.URL)
	var placed []string
	for i := range 4 {
		c.Base = a.URL                              // the review page on one instance...
		form := c.ReviewForm(estimate + "&again=1") // four separate orders
		if i%2 == 1 {
			c.Base = b.URL // ...and the order sometimes on the other
		}
		id, err := c.PlaceOrder(form)
		if err != nil {
			t.Fatal(err)
		}
		placed = append(placed, id)
	}
	for _, inst := range []*testserver.Server{a, b} {
		c.Base = inst.URL
		got := c.MyOrders()
		if len(got) != len(placed) {
			t.Errorf("%s lists %d orders, want %d", inst.URL, len(got), len(placed))
		}
		seen := map[string]int{}
		for _, id := range got {
			seen[id]++
		}
		for _, id := range placed {
			if seen[id] != 1 {
				t.Errorf("%s lists order %s %d times", inst.URL, id, seen[id])
			}
			if code, _, _ := c.Get("/orders/" + id); code != http.StatusOK {
				t.Errorf("%s: order %s: %d", inst.URL, id, code)
			}
		}
	}
	// Another browser sees none of it on either instance.
	other := testserver.NewClient(t, b.URL)
	if code, _, _ := other.Get("/orders/" + placed[0]); code != http.StatusNotFound {
		t.Errorf("another session: %d", code)
	}
}
