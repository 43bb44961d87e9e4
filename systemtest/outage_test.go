package systemtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// TestDatabaseOutageAnswers503AndRecoversWithoutRestart stops PostgreSQL under a
// running console: the pages that need the database answer 503 with a clear page,
// the estimator keeps working, and once the database is back the console places
// orders again by itself, with nothing lost.
func TestDatabaseOutageAnswers503AndRecoversWithoutRestart(t *testing.T) {
	pg := startPrivatePostgres(t)
	srv := testserver.Start(t, consoleBin, testserver.Args("-database-url", pg.URL))
	c := testserver.NewClient(t, srv.URL)
	before, err := c.PlaceOrder(c.ReviewForm(estimate + "&again=1"))
	if err != nil {
		t.Fatal(err)
	}
	pending := c.ReviewForm(estimate + "&again=1") // a review page open when the database goes
	if code, _, _ := c.Get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before the outage: %d", code)
	}

	pg.Stop()
	if code, body, _ := c.Get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
		t.Errorf("/readyz with the database down: %d %q, want 503 naming the database", code, body)
	}
	code, body, h := c.Get("/orders")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") || h.Get("Retry-After") == "" {
		t.Errorf("My orders with the database down: %d", code)
	}
	if _, err := c.PlaceOrder(pending); err == nil {
		t.Error("an order cannot be acknowledged while the database is down")
	}
	if code, body, _ := c.Get("/ssm?credentials=2500"); code != http.StatusOK || !strings.Contains(body, "quote-monthly-total") {
		t.Errorf("the estimator must keep working without the database: %d", code)
	}
	if code, _, _ := c.Get("/healthz"); code != http.StatusOK {
		t.Errorf("the process can still serve: /healthz %d", code)
	}

	pg.Start()
	// The pool reconnects by itself: no restart of the console.
	var after string
	deadline := time.Now().Add(15 * time.Second)
	for after == "" && time.Now().Before(deadline) {
		if after, err = c.PlaceOrder(pending); err != nil {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if after == "" {
		t.Fatalf("no order placed within 15 s of the database coming back: %v", err)
	}
	if code, _, _ := c.Get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz once the database is back: %d, want 200", code)
	}
	got := c.MyOrders()
	if len(got) != 2 || !contains(got, before) || !contains(got, after) {
		t.Errorf("after the outage My orders lists %v, want %s and %s", got, before, after)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
