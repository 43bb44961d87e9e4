package systemtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// TestSIGHUPReloadsAGoodPriceBookAndRefusesABadOne changes the price book file under a
// running console: SIGHUP puts a good file in force without a restart; a bad one is
// refused and the book in force stays.
func TestSIGHUPReloadsAGoodPriceBookAndRefusesABadOne(t *testing.T) {
	original, err := os.ReadFile("../pricing/pricebook.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prices.json")
	write := func(text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(string(original))
	srv := testserver.Start(t, consoleBin, testserver.Args("-price-book", path))
	c := testserver.NewClient(t, srv.URL)
	version := func() string { return bookVersion(c) }
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for version() != want {
			if time.Now().After(deadline) {
				t.Fatalf("price book in force %q, want %q", version(), want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("2025-03-26.1")

	write(strings.Replace(string(original), `"version": "2025-03-26.1"`, `"version": "2026-01-01.1"`, 1))
	if err := srv.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("2026-01-01.1")

	write(strings.Replace(string(original), `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "-1"`, 1))
	srv.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(srv.Logs(), "price book refused") {
		if time.Now().After(deadline) {
			t.Fatal("no log line refusing the bad price book")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if v := version(); v != "2026-01-01.1" {
		t.Errorf("after a bad file the book in force is %q, want the last good one", v)
	}
}

// TestWatchedPriceBookReloadsWhenTheFileChanges: with -watch-price-book, replacing the
// file (written aside and renamed over, as editors and deploy tools do) puts it in
// force without a signal; a bad replacement is refused and the book in force stays.
func TestWatchedPriceBookReloadsWhenTheFileChanges(t *testing.T) {
	original, err := os.ReadFile("../pricing/pricebook.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "prices.json")
	replace := func(text string) {
		t.Helper()
		tmp := filepath.Join(dir, "prices.json.new")
		if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	replace(string(original))
	srv := testserver.Start(t, consoleBin, testserver.Args("-price-book", path, "-watch-price-book"))
	c := testserver.NewClient(t, srv.URL)
	version := func() string { return bookVersion(c) }
	waitFor := func(cond func() bool, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second) // the file is looked at every 2 s
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if v := version(); v != "2025-03-26.1" {
		t.Fatalf("price book at start %q", v)
	}

	replace(strings.Replace(string(original), `"version": "2025-03-26.1"`, `"version": "2026-02-01.1"`, 1))
	waitFor(func() bool { return version() == "2026-02-01.1" }, "the changed file in force")
	if !strings.Contains(srv.Logs(), `"why":"file changed"`) {
		t.Error("the reload's log line does not say the file changed")
	}

	replace(strings.Replace(string(original), `"customer_key_per_day": "0.06"`, `"customer_key_per_day": "-1"`, 1))
	waitFor(func() bool { return strings.Contains(srv.Logs(), "price book refused") }, "a log line refusing the bad file")
	if v := version(); v != "2026-02-01.1" {
		t.Errorf("after a bad file the book in force is %q, want the last good one", v)
	}
	// The build-info gauge names the book in force, too.
	if text := srv.Metrics(t); !strings.Contains(text, `price_book="2026-02-01.1"`) {
		t.Error("console_build_info does not name the book in force")
	}
}

// bookVersion is the version of the price book the console answers with.
func bookVersion(c *testserver.Client) string {
	_, body, _ := c.Get("/api/v1/price-book")
	var b struct{ Version string }
	_ = json.Unmarshal([]byte(body), &b)
	return b.Version
}
