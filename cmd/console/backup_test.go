package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

// dataDirWithOrders makes a data directory whose database holds n orders.
func dataDirWithOrders(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(t.Context(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		if _, _, err := s.PlaceOrder(t.Context(), storetest.SampleOrder("buyer", strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func backup(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runBackup(t.Context(), args, env(vars), &out)
	return out.String(), err
}

func restore(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runRestore(t.Context(), args, env(vars), &out)
	return out.String(), err
}

func TestBackupThenRestoreIntoAFreshDataDirectory(t *testing.T) {
	src := dataDirWithOrders(t, 3)
	file := filepath.Join(t.TempDir(), "console-backup.db")
	out, err := backup(t, nil, "-data", src, file)
	if err != nil || !strings.Contains(out, "backed up "+src+" to "+file) || !strings.Contains(out, "3 orders") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, err := backup(t, nil, "-data", src, file); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second backup to the same file: %v, want a refusal", err)
	}

	dst := filepath.Join(t.TempDir(), "new-data")
	out, err = restore(t, map[string]string{"DATA_DIR": dst}, file)
	if err != nil || !strings.Contains(out, "restored "+file+" into "+filepath.Join(dst, "console.db")) || !strings.Contains(out, "3 orders") {
		t.Fatalf("restore: %q %v", out, err)
	}
	s, err := store.Open(t.Context(), dst, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := s.OrdersByOwner(t.Context(), "buyer", 0)
	s.Close()
	if err != nil || len(orders) != 3 {
		t.Errorf("the restored database has %d orders (%v), want 3", len(orders), err)
	}
}

func TestRestoreReplacesADatabaseOnlyWithForce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "backup.db")
	if _, err := backup(t, nil, "-data", dataDirWithOrders(t, 2), file); err != nil {
		t.Fatal(err)
	}
	dst := dataDirWithOrders(t, 5)
	_, err := restore(t, nil, "-data", dst, file)
	if err == nil || !strings.Contains(err.Error(), "-force") || !strings.Contains(err.Error(), "nothing changed") {
		t.Errorf("restore over a database without -force: %v, want a refusal naming -force", err)
	}
	// Flags may follow the file.
	out, err := restore(t, nil, file, "-data", dst, "-force")
	if err != nil || !strings.Contains(out, "2 orders") || !strings.Contains(out, "kept as "+filepath.Join(dst, "console.db.before-restore-")) {
		t.Fatalf("restore -force: %q %v", out, err)
	}
}

func TestRestoreIsRefusedWhileTheConsoleRuns(t *testing.T) {
	dir := dataDirWithOrders(t, 1)
	file := filepath.Join(t.TempDir(), "backup.db")
	ctx, cancel := context.WithCancel(t.Context())
	_, _, done := startRun(t, ctx, []string{"-addr", "127.0.0.1:0", "-data", dir}, env(nil))
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	if out, err := backup(t, nil, "-data", dir, file); err != nil { // backing up a running console is the point
		t.Fatalf("backup while the console runs: %q %v", out, err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = restore(t, nil, "-data", dir, "-force", file)
	if err == nil || !strings.Contains(err.Error(), "in use by a running console") || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("restore into a running console's directory: %v, want a refusal naming the console's pid", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "console.db")); !bytes.Equal(before, after) {
		t.Error("the refused restore changed the database")
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "*before-restore*")); len(kept) > 0 {
		t.Errorf("the refused restore left %v", kept)
	}

	// A second server on the same directory is refused as clearly.
	err = run(t.Context(), []string{"-addr", "127.0.0.1:0", "-data", dir}, env(nil), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "in use by a running console") {
		t.Errorf("a second console on the data directory: %v, want a refusal", err)
	}
}

func TestBackupAndRestoreSendPostgreSQLToPgDump(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": "postgres://console:s3cret@db.internal/console"}
	file := filepath.Join(t.TempDir(), "backup.db")
	for name, tc := range map[string]struct {
		run  func(*testing.T, map[string]string, ...string) (string, error)
		want string
	}{
		"backup":  {backup, "pg_dump"},
		"restore": {restore, "pg_restore"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.run(t, vars, file)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "docs/operations.md") {
				t.Errorf("err = %v, want one pointing at %s", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the message shows the database password: %v", err)
			}
		})
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a file was written")
	}
}

func TestBackupAndRestoreNeedExactlyOneFile(t *testing.T) {
	for _, args := range [][]string{{}, {"-data", t.TempDir()}, {"a.db", "b.db"}} {
		if _, err := backup(t, nil, args...); err == nil || !strings.Contains(err.Error(), "usage: console backup") {
			t.Errorf("backup %q: %v, want the usage", args, err)
		}
		if _, err := restore(t, nil, args...); err == nil || !strings.Contains(err.Error(), "usage: console restore") {
			t.Errorf("restore %q: %v, want the usage", args, err)
		}
	}
}
