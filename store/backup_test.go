package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/internal/testenv"
	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

// openWithOrders opens a SQLite store in a new data directory and places n orders.
func openWithOrders(t *testing.T, owner string, n int) (dir string, s store.Store, ids []string) {
	t.Helper()
	dir = t.TempDir()
	s, err := store.Open(t.Context(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i := range n {
		o, _, err := s.PlaceOrder(t.Context(), storetest.SampleOrder(owner, owner+"-"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	return dir, s, ids
}

// ordersIn opens the data directory's database and returns the IDs of owner's orders.
func ordersIn(t *testing.T, dir, owner string) map[string]bool {
	t.Helper()
	s, err := store.Open(t.Context(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	orders, err := s.OrdersByOwner(t.Context(), owner, store.MaxOrdersPerPage)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, o := range orders {
		got[o.ID] = true
	}
	return got
}

func TestBackupHasEveryOrderCommittedBeforeItBegan(t *testing.T) {
	dir, s, _ := openWithOrders(t, "warm-up", 1)
	ctx := context.Background()
	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int64
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				key := strconv.FormatInt(n.Add(1), 10)
				o, _, err := s.PlaceOrder(ctx, storetest.SampleOrder("buyer", key))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, o.ID)
				mu.Unlock()
			}
		})
	}
	for {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= 50 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "backup.db")
	info, err := store.BackupSQLite(ctx, dir, dest)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != dest || info.Size == 0 || info.SchemaVersion == 0 || info.Orders < len(before)+1 {
		t.Errorf("backup info %+v: want %s, a size, a schema version and at least %d orders", info, dest, len(before)+1)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*")); len(left) > 0 {
		t.Errorf("temporary files left beside the backup: %v", left)
	}

	restored := t.TempDir()
	if _, _, err := store.RestoreSQLite(ctx, dest, restored, false); err != nil {
		t.Fatal(err)
	}
	got := ordersIn(t, restored, "buyer")
	for _, id := range before {
		if !got[id] {
			t.Errorf("order %s, committed before the backup, is not in it", id)
		}
	}
	if len(got) != info.Orders-1 {
		t.Errorf("the restored database has %d of buyer's orders, the backup said %d", len(got), info.Orders-1)
	}
	t.Logf("%d orders committed before the backup, %d more during it; the backup has %d", len(before), during, info.Orders-1)
}

func TestBackupOfAStoppedDatabase(t *testing.T) {
	dir, s, ids := openWithOrders(t, "buyer", 3)
	s.Close()
	dest := filepath.Join(t.TempDir(), "backup.db")
	info, err := store.BackupSQLite(t.Context(), dir, dest)
	if err != nil {
		t.Fatal(err)
	}
	if info.Orders != len(ids) {
		t.Errorf("backup has %d orders, want %d", info.Orders, len(ids))
	}
}

func TestBackupRefusesAnExistingFile(t *testing.T) {
	dir, _, _ := openWithOrders(t, "buyer", 1)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(dest, []byte("yesterday's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.BackupSQLite(t.Context(), dir, dest)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("err = %v, want one saying the file exists", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "yesterday's backup" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestBackupWithoutADatabaseFails(t *testing.T) {
	_, err := store.BackupSQLite(t.Context(), t.TempDir(), filepath.Join(t.TempDir(), "backup.db"))
	if err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("err = %v, want one saying there is no database", err)
	}
}

func TestLockDataDirIsExclusive(t *testing.T) {
	dir := t.TempDir()
	unlock, err := store.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.LockDataDir(dir)
	if !errors.Is(err, store.ErrDataDirInUse) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second lock: err = %v, want ErrDataDirInUse naming pid %d", err, os.Getpid())
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := store.LockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	again()
}

func TestRestoreIsRefusedWhileTheDataDirIsLocked(t *testing.T) {
	src, _, _ := openWithOrders(t, "old", 1)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.BackupSQLite(t.Context(), src, backup); err != nil {
		t.Fatal(err)
	}
	dir, s, _ := openWithOrders(t, "running", 2)
	s.Close()
	unlock, err := store.LockDataDir(dir) // as the server does
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	before := dirState(t, dir)
	_, _, err = store.RestoreSQLite(t.Context(), backup, dir, true)
	if !errors.Is(err, store.ErrDataDirInUse) {
		t.Errorf("err = %v, want ErrDataDirInUse", err)
	}
	if after := dirState(t, dir); after != before {
		t.Errorf("the data directory changed:\n%s\nthen\n%s", before, after)
	}
}

func TestRestoreReplacesADatabaseOnlyWithForceAndKeepsIt(t *testing.T) {
	src, _, newIDs := openWithOrders(t, "new", 2)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.BackupSQLite(t.Context(), src, backup); err != nil {
		t.Fatal(err)
	}
	dir, s, oldIDs := openWithOrders(t, "old", 3)
	s.Close()

	before := dirState(t, dir)
	if _, _, err := store.RestoreSQLite(t.Context(), backup, dir, false); !errors.Is(err, store.ErrDatabaseExists) {
		t.Errorf("without force: err = %v, want ErrDatabaseExists", err)
	}
	if after := dirState(t, dir); after != before {
		t.Errorf("the data directory changed:\n%s\nthen\n%s", before, after)
	}

	info, kept, err := store.RestoreSQLite(t.Context(), backup, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if info.Orders != 2 || info.Path != filepath.Join(dir, "console.db") {
		t.Errorf("restored %+v, want 2 orders in %s", info, filepath.Join(dir, "console.db"))
	}
	if !strings.HasPrefix(filepath.Base(kept), "console.db.before-restore-") {
		t.Errorf("old database kept as %q", kept)
	}
	got := ordersIn(t, dir, "new")
	for _, id := range newIDs {
		if !got[id] {
			t.Errorf("restored order %s missing", id)
		}
	}
	if old := ordersIn(t, dir, "old"); len(old) != 0 {
		t.Errorf("the restored database still has %d of the old orders", len(old))
	}
	// The kept file is the old database, whole.
	keptDir := t.TempDir()
	if err := os.Link(kept, filepath.Join(keptDir, "console.db")); err != nil {
		t.Fatal(err)
	}
	if old := ordersIn(t, keptDir, "old"); len(old) != len(oldIDs) {
		t.Errorf("the kept database has %d of the old orders, want %d", len(old), len(oldIDs))
	}
}

func TestRestoreRefusesWhatIsNotAWholeConsoleDatabase(t *testing.T) {
	src, _, _ := openWithOrders(t, "buyer", 20)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.BackupSQLite(t.Context(), src, backup); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	files := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	other := filepath.Join(files, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer := write("newer.db", whole)
	db, err = sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for name, tc := range map[string]struct{ path, want string }{
		"not SQLite":       {write("notes.txt", bytes.Repeat([]byte("not a database\n"), 500)), "not a SQLite database"},
		"cut short":        {write("half.db", whole[:len(whole)/2]), "integrity"},
		"another database": {other, "not a console database"},
		"a newer schema":   {newer, "newer than this console"},
		"a missing file":   {filepath.Join(files, "missing.db"), "no such file"},
		"a directory":      {files, "not a regular file"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, _, err := store.RestoreSQLite(t.Context(), tc.path, dir, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "console.db")); err == nil {
				t.Error("a console.db was written")
			}
		})
	}
}

func TestRestoreRemovesAStaleLog(t *testing.T) {
	src, _, ids := openWithOrders(t, "buyer", 2)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.BackupSQLite(t.Context(), src, backup); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"console.db-wal", "console.db-shm"} {
		if err := os.WriteFile(filepath.Join(dir, name), bytes.Repeat([]byte{0x37}, 4096), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := store.RestoreSQLite(t.Context(), backup, dir, false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"console.db-wal", "console.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	if got := ordersIn(t, dir, "buyer"); len(got) != len(ids) {
		t.Errorf("restored %d orders, want %d", len(got), len(ids))
	}
}

// dirState lists the directory's files with their sizes and content hashes, to tell
// whether anything changed. The lock file, which a refused restore may create, is
// left out.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		if e.Name() == "console.lock" {
			continue
		}
		content, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %x\n", e.Name(), len(content), sha256.Sum256(content))
	}
	return b.String()
}

func TestCheckWritableRefusesADatabaseFileThatCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	if err := store.CheckWritable(dir); err != nil {
		t.Errorf("no database file yet: %v, want none (SQLite creates it)", err)
	}
	file := filepath.Join(dir, "console.db")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckWritable(dir); err != nil {
		t.Errorf("a writable file: %v", err)
	}

	// Root writes whatever the mode says; the immutable attribute holds for root too.
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", file).CombinedOutput(); err != nil {
			testenv.Skipf(t, "chattr +i: %v %s", err, out)
		}
		defer exec.Command("chattr", "-i", file).Run()
	} else if err := os.Chmod(file, 0o400); err != nil {
		t.Fatal(err)
	}
	err := store.CheckWritable(dir)
	if err == nil || !strings.Contains(err.Error(), "the database file cannot be written") || !strings.Contains(err.Error(), file) {
		t.Errorf("an unwritable file: %v, want an error saying so and naming %s", err, file)
	}

	other := t.TempDir()
	if err := os.Mkdir(filepath.Join(other, "console.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckWritable(other); err == nil {
		t.Error("a directory where the database file should be: no error")
	}
}
