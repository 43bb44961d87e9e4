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

func cacheCounts(t *testing.T, srv *testserver.Server) (hits, misses float64) {
	t.Helper()
	text := scrapeMetrics(t, srv)
	hits, _ = metricValue(text, `console_answer_cache_total{result="hit"}`)
	misses, _ = metricValue(text, `console_answer_cache_total{result="miss"}`)
	return hits, misses
}

// TestTheAnswerCacheServesRepeatsAndFollowsAReload: on the real binary, a repeated
// quote is served from the cache, until a price book reload changes a price (under
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
	if again := kmsQuote(t, srv); again != first {
		t.Fatalf("the same request answered differently:\n%s\n%s", first, again)
	}
	if hits, misses := cacheCounts(t, srv); hits != 1 || misses != 1 {
		t.Fatalf("hits %v, misses %v; want 1 and 1", hits, misses)
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
	if hits, misses := cacheCounts(t, srv); hits != 1 || misses != 2 {
		t.Errorf("hits %v, misses %v after the reload; want 1 and 2", hits, misses)
	}
}

// TestNoAnswerCacheWhenItIsOff: ANSWER_CACHE_MB=0 makes every answer again.
func TestNoAnswerCacheWhenItIsOff(t *testing.T) {
	srv := testserver.Start(t, consoleBin, testserver.Env("ANSWER_CACHE_MB=0"))
	kmsQuote(t, srv)
	kmsQuote(t, srv)
	if hits, _ := cacheCounts(t, srv); hits != 0 {
		t.Errorf("%v answers served from a cache that is off", hits)
	}
	if !strings.Contains(srv.Logs(), `"answer_cache_mib":0`) {
		t.Error("the start line does not say the cache is off")
	}
}
