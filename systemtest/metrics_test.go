package systemtest

import (
	"net/http"
	"testing"

	"kmsconsole/internal/testserver"
)

// TestOrderMetricsMoveOnTheRealBinary places orders and a refused order on the real
// binary and reads the counts from its metrics listener.
func TestOrderMetricsMoveOnTheRealBinary(t *testing.T) {
	srv := testserver.Start(t, consoleBin)
	c := testserver.NewClient(t, srv.URL)
	for range 3 {
		if _, err := c.PlaceOrder(c.ReviewForm(estimate + "&again=1")); err != nil {
			t.Fatal(err)
		}
	}
	form := c.ReviewForm(estimate + "&again=1")
	form.Del("accept_terms")
	if code, _, _ := c.Post("/orders", form, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("order without the terms accepted: %d, want 422", code)
	}

	text := srv.Metrics(t)
	for series, want := range map[string]float64{
		`console_orders_placed_total{product="ssm"}`:                                            3,
		`console_order_failures_total{product="ssm",reason="invalid"}`:                          1,
		`console_http_requests_total{code="3xx",method="POST",route="/orders"}`:                 3,
		`console_http_requests_total{code="4xx",method="POST",route="/orders"}`:                 1,
		`console_quotes_computed_total{result="ok",source="purchase"}`:                          4 + 4, // each review page, and each post prices again
		`console_http_request_duration_seconds_count{code="2xx",method="GET",route="/healthz"}`: -1,
	} {
		got, ok := testserver.MetricValue(text, series)
		switch {
		case !ok:
			t.Errorf("no %s in the metrics", series)
		case want >= 0 && got != want:
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}
