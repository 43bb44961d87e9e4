package systemtest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// console runs a console subcommand, with none of the caller's configuration in the
// environment, and returns its combined output.
func console(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, consoleBin, args...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "DATA_DIR" && k != "DATABASE_URL" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var backedUpOrders = regexp.MustCompile(`(\d+) orders`)

// TestBackupDuringOrderLoadHasEveryAcknowledgedOrder places orders from several buyers
// at once, runs `console backup` while they keep coming, restores the backup into a
// fresh data directory and starts a console on it: every order acknowledged before the
// backup started is there and intact, in its buyer's session (the sessions are in the
// database too), and nothing is there that was never acknowledged.
func TestBackupDuringOrderLoadHasEveryAcknowledgedOrder(t *testing.T) {
	srv := testserver.Start(t, consoleBin)
	// My orders lists a buyer's 100 most recent orders, and the restored orders are
	// counted there: no buyer may place more. 2,400 orders keep the load going
	// through the backup on a fast machine too (one placed 700 in the 260 ms its
	// backup took).
	const buyers, perBuyer = 24, 100
	var (
		mu       sync.Mutex
		attempts []*attempt
		acked    atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	// Every review page first, so that the orders start at once and keep coming.
	type buyer struct {
		client *testserver.Client
		forms  []url.Values
	}
	var bs []buyer
	for range buyers {
		b := buyer{client: testserver.NewClient(t, srv.URL), forms: make([]url.Values, perBuyer)}
		for i := range b.forms {
			b.forms[i] = b.client.ReviewForm(estimate + "&again=1")
		}
		bs = append(bs, b)
	}
	for _, b := range bs {
		wg.Go(func() {
			for _, f := range b.forms {
				if stop.Load() {
					return
				}
				id, err := b.client.PlaceOrder(f)
				if err != nil {
					t.Errorf("place order: %v", err) // the server stays up: every order succeeds
					return
				}
				mu.Lock()
				attempts = append(attempts, &attempt{client: b.client, form: f, id: id})
				mu.Unlock()
				acked.Add(1)
			}
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for acked.Load() < 40 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := append([]*attempt(nil), attempts...) // acknowledged before the backup starts
	mu.Unlock()

	file := filepath.Join(t.TempDir(), "console-backup.db")
	start := time.Now()
	out, err := console(t, "backup", "-data", srv.DataDir, file)
	took := time.Since(start)
	during := acked.Load() - int64(len(before))
	ended := acked.Load() == buyers*perBuyer // the orders ran out before the backup did
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("console backup: %v\n%s", err, out)
	}
	if len(before) == 0 {
		t.Fatal("no order was acknowledged before the backup")
	}
	if during == 0 || ended {
		t.Errorf("%d orders acknowledged while the backup ran, and the load had ended: %v; it was not taken under load", during, ended)
	}
	m := backedUpOrders.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("console backup does not say how many orders it copied:\n%s", out)
	}
	inBackup, _ := strconv.Atoi(m[1])

	data := t.TempDir()
	if out, err := console(t, "restore", "-data", data, file); err != nil {
		t.Fatalf("console restore: %v\n%s", err, out)
	}
	restored := testserver.Start(t, consoleBin, testserver.DataDir(data))

	for _, a := range before {
		a.client.Base = restored.URL
		code, body, _ := a.client.Get("/orders/" + a.id)
		if code != http.StatusOK || !strings.Contains(body, a.id) || !strings.Contains(body, "22,380.00") {
			t.Errorf("order %s, acknowledged before the backup, after the restore: %d", a.id, code)
		}
	}
	ackedIDs := map[string]bool{}
	for _, a := range attempts {
		ackedIDs[a.id] = true
	}
	listed := 0
	for c := range clientsOf(attempts) {
		c.Base = restored.URL
		for _, id := range c.MyOrders() {
			listed++
			if !ackedIDs[id] {
				t.Errorf("the restored database has order %s, never acknowledged", id)
			}
		}
	}
	if listed != inBackup {
		t.Errorf("the buyers see %d orders after the restore; the backup said it copied %d", listed, inBackup)
	}
	if listed < len(before) {
		t.Errorf("the restored database has %d orders, fewer than the %d acknowledged before the backup", listed, len(before))
	}
	t.Logf("%d orders acknowledged before the backup started, %d during its %v (%d in all); %d in the backup; after the restore, all %d found",
		len(before), during, took.Round(time.Millisecond), len(attempts), inBackup, len(before))
}

func clientsOf(attempts []*attempt) map[*testserver.Client]bool {
	cs := map[*testserver.Client]bool{}
	for _, a := range attempts {
		cs[a.client] = true
	}
	return cs
}

// TestRestoreIntoARunningConsolesDataDirIsRefused: restoring into the data directory
// of a running console fails with a message saying so and a non-zero exit, and changes
// nothing; a second console on that directory is refused the same way.
func TestRestoreIntoARunningConsolesDataDirIsRefused(t *testing.T) {
	srv := testserver.Start(t, consoleBin)
	c := testserver.NewClient(t, srv.URL)
	id, err := c.PlaceOrder(c.ReviewForm(estimate))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if out, err := console(t, "backup", "-data", srv.DataDir, file); err != nil {
		t.Fatalf("console backup: %v\n%s", err, out)
	}

	before := dirState(t, srv.DataDir)
	refused, err := console(t, "restore", "-data", srv.DataDir, "-force", file)
	if code := exitCode(err); code == 0 || !strings.Contains(refused, "in use by a running console") || !strings.Contains(refused, "nothing changed") {
		t.Errorf("console restore into a running console's directory: exit %d\n%s", code, refused)
	}
	if after := dirState(t, srv.DataDir); after != before {
		t.Errorf("the refused restore changed the data directory:\n%s\nthen\n%s", before, after)
	}

	second, err := console(t, "-addr", testserver.FreeAddr(t), "-data", srv.DataDir)
	if code := exitCode(err); code == 0 || !strings.Contains(second, "in use by a running console") {
		t.Errorf("a second console on the data directory: exit %d\n%s", code, second)
	}

	if code, body, _ := c.Get("/orders/" + id); code != http.StatusOK || !strings.Contains(body, id) {
		t.Errorf("the running console's order %s: %d", id, code)
	}
	t.Logf("refused:\n%s\n%s", strings.TrimSpace(refused), strings.TrimSpace(second))
}

// exitCode is the process's exit status; -1 when it did not run or exit.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// dirState lists the files of dir with their sizes and content hashes.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		content, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %x\n", e.Name(), len(content), sha256.Sum256(content))
	}
	return b.String()
}
