package testserver

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
)

// Metrics scrapes the console's metrics listener and returns the Prometheus text.
func (s *Server) Metrics(t testing.TB) string {
	t.Helper()
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	return string(body)
}

// MetricValue finds the sample of one series (name and labels as Prometheus prints
// them) in the text Metrics returned; false when there is none.
func MetricValue(text, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
