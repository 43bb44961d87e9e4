package systemtest

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// kmsQuote asks the real binary's quote API for ten customer keys for 30 days.
func kmsQuote(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	resp, err := http.Post(srv.URL+"/api/v1/quotes", "application/json",
		strings.NewReader(`{"items":[{"product":"kms","region":"ap-guangzhou","customer_keys":10,"days":30}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("quote: %d %s", resp.StatusCode, body)
	}
	return string(body)
}

// cacheCounts reads the answer cache's hits and misses, and the quotes the API
// priced, from the real binary's metrics.
func cacheCounts(t *testing.T, srv *testserver.Server) (hits, misses, priced float64) {
	t.Helper()
	text := srv.Metrics(t)
	hits, _ = testserver.MetricValue(text, `console_answer_cache_total{result="hit"}`)
	misses, _ = testserver.MetricValue(text, `console_answer_cache_total{result="miss"}`)
	priced, _ = testserver.MetricValue(text, `console_quotes_computed_total{result="ok",source="api"}`)
	return hits, misses, priced
}

// TestTheAnswerCacheServesRepeatsAndFollowsAReload: on the real binary, a quote asked
// for a third time is served from the cache (the second's answer was kept), until a price book reload changes a price (under
// the same version name): the next quote has the new price.
func TestTheAnswerCacheServesRepeatsAndFollowsAReload(t *testing.T) {
	original, err := os.ReadFile("../pricing/pricebook.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(path, original, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, consoleBin, testserver.Args("-price-book", path))

	first := kmsQuote(t, srv)
	kmsQuote(t, srv)
	if again := kmsQuote(t, srv); again != first {
		t.Fatalf("the same request answered differently:\n%s\n%s", first, again)
	}
	if hits, misses, priced := cacheCounts(t, srv); hits != 1 || misses != 2 || priced != 2 {
		t.Fatalf("hits %v, misses %v, quotes priced %v; want 1, 2 and 2", hits, misses, priced)
	}

	changed := strings.Replace(string(original), `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "0.07"`, 1)
	if err := os.WriteFile(path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := srv.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(srv.Logs(), "price book reloaded") {
		if time.Now().After(deadline) {
			t.Fatal("no log line of the reload")
		}
		time.Sleep(20 * time.Millisecond)
	}
	after := kmsQuote(t, srv)
	// 10 keys for 30 days: 18.00 at 0.06 a key a day, 21.00 at 0.07.
	if !strings.Contains(first, `"18.00"`) || !strings.Contains(after, `"21.00"`) {
		t.Errorf("before the reload:\n%s\nafter:\n%s", first, after)
	}
	if hits, misses, priced := cacheCounts(t, srv); hits != 1 || misses != 3 || priced != 3 {
		t.Errorf("hits %v, misses %v, quotes priced %v after the reload; want 1, 3 and 3", hits, misses, priced)
	}
}

// TestNoAnswerCacheWhenItIsOff: ANSWER_CACHE_MB=0 makes every answer again.
func TestNoAnswerCacheWhenItIsOff(t *testing.T) {
	srv := testserver.Start(t, consoleBin, testserver.Env("ANSWER_CACHE_MB=0"))
	for range 3 {
		kmsQuote(t, srv)
	}
	if hits, misses, priced := cacheCounts(t, srv); hits != 0 || misses != 0 || priced != 3 {
		t.Errorf("with the cache off: hits %v, misses %v, quotes priced %v; want 0, 0 and 3", hits, misses, priced)
	}
	if !strings.Contains(srv.Logs(), `"answer_cache_mib":0`) {
		t.Error("the start line does not say the cache is off")
	}
}
