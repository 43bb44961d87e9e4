//go:build linux

package systemtest

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kmsconsole/internal/testenv"
	"kmsconsole/internal/testserver"
)

// TestFullDiskAnswers503AndOrdersResumeWhenSpaceIsFreed runs the console on a small
// tmpfs and fills it up under the console: orders that no longer fit answer 503 with a
// page saying why (never a 500, never a hang), the estimator keeps working, and once
// space is freed the same forms place their orders, without a restart. The database
// passes PRAGMA integrity_check and holds every acknowledged order once.
func TestFullDiskAnswers503AndOrdersResumeWhenSpaceIsFreed(t *testing.T) {
	t.Parallel()
	dir := mountTmpfs(t, "16m")
	data := filepath.Join(dir, "data")
	srv := testserver.Start(t, consoleBin, testserver.DataDir(data))
	c := testserver.NewClient(t, srv.URL)
	var orders []*pendingOrder
	for range 5 {
		o := reviewed(t, c)
		if p := placeOnce(c, o, 10*time.Second); p.code != http.StatusSeeOther {
			t.Fatalf("order before the disk is full: %d %v", p.code, p.err)
		}
		orders = append(orders, o)
	}
	// The forms first: a review page writes the session, which needs space too.
	var waiting []*pendingOrder
	for range 60 {
		waiting = append(waiting, reviewed(t, c))
	}

	fill := fillUp(t, dir)
	var refused []*pendingOrder
	var fitted, doubled int
	for _, o := range waiting {
		if len(refused) == 5 {
			break // the disk is full for good: enough evidence
		}
		orders = append(orders, o)
		p := placeOnce(c, o, 10*time.Second)
		checkRefusal(t, "an order on a full disk", p)
		doubled += pages(p.body) - 1
		switch p.code {
		case http.StatusSeeOther:
			fitted++ // the write-ahead log had room left in its last page
		case http.StatusServiceUnavailable:
			refused = append(refused, o)
		}
	}
	if len(refused) == 0 {
		t.Fatalf("%d orders were placed on a full file system and none was refused: the disk did not fill up", fitted)
	}
	stillServing(t, c)
	readyz, _, _ := c.Get("/readyz")
	myOrders, _, _ := c.Get("/orders")
	if readyz != http.StatusOK || myOrders == http.StatusInternalServerError {
		t.Errorf("on a full disk /readyz answers %d and My orders %d: want 200 for both (readiness checks that the database answers, not that it can be written; docs/operations.md)", readyz, myOrders)
	}

	if err := os.Remove(fill); err != nil {
		t.Fatal(err)
	}
	for _, o := range refused {
		placeUntilAcked(t, o, 10*time.Second)
	}
	orders = append(orders, reviewed(t, c))
	placeUntilAcked(t, orders[len(orders)-1], 10*time.Second)

	srv.Stop(t)
	checkDatabase(t, filepath.Join(data, "console.db"), orders)
	again := testserver.Start(t, consoleBin, testserver.DataDir(data))
	checkOrdersShown(t, again, orders)
	t.Logf("full disk: %d orders still fitted, then %d refused with 503 (%d of them with a second page after the error page); /readyz %d and My orders %d while full; after freeing space all %d orders placed once, integrity_check ok",
		fitted, len(refused), doubled, readyz, myOrders, len(orders))
}

// TestReadOnlyFileSystemAnswers503AndOrdersResumeAfterARestart runs the console on an
// ext4 file system in a loop device and has the kernel turn it read-only under the
// console, as it does on an I/O error (errors=remount-ro): orders answer 503 with a
// page saying why, the estimator keeps working, and the console stops cleanly. A
// console started on the read-only file system refuses to start, saying why. Once the
// file system is checked and mounted again (which needs the console stopped: the kernel
// refuses to make it writable while files are open on it), a restarted console places
// the refused forms' orders once, and the database passes PRAGMA integrity_check.
func TestReadOnlyFileSystemAnswers503AndOrdersResumeAfterARestart(t *testing.T) {
	t.Parallel()
	fs := mountExt4Image(t)
	data := filepath.Join(fs.dir, "data")
	srv := testserver.Start(t, consoleBin, testserver.DataDir(data))
	c := testserver.NewClient(t, srv.URL)
	orders, refused := placedThenReviewed(t, c, 5, "before the file system turns read-only")

	fs.failWrites(t)
	doubled := 0
	for _, o := range refused {
		p := placeOnce(c, o, 10*time.Second)
		checkRefusal(t, "an order on a read-only file system", p)
		doubled += pages(p.body) - 1
		if p.code != http.StatusServiceUnavailable {
			t.Errorf("an order on a read-only file system answered %d, want 503", p.code)
		}
	}
	orders = append(orders, refused...)
	stillServing(t, c)
	readyz, _, _ := c.Get("/readyz")
	myOrders, _, _ := c.Get("/orders")
	if readyz != http.StatusOK || myOrders == http.StatusInternalServerError {
		t.Errorf("on a read-only file system /readyz answers %d and My orders %d: want 200 for both (readiness checks that the database answers, not that it can be written; docs/operations.md)", readyz, myOrders)
	}
	srv.Stop(t)
	if !strings.Contains(srv.Logs(), `"msg":"console stopped"`) {
		t.Error("the console did not stop cleanly on a read-only file system")
	}

	// Started on the read-only file system, the console stops at once and says why.
	began := time.Now()
	out, err := console(t, "-addr", testserver.FreeAddr(t), "-data", data, "-metrics-addr", "")
	if exitCode(err) <= 0 || time.Since(began) > 10*time.Second || !strings.Contains(out, "read-only file system") {
		t.Errorf("a console started on a read-only file system: %v after %v, want a failure saying so:\n%s", err, time.Since(began), out)
	}

	fs.repair(t)
	checkDatabase(t, filepath.Join(data, "console.db"), orders[:5])
	again := testserver.Start(t, consoleBin, testserver.DataDir(data))
	for _, o := range refused {
		o.client.Base = again.URL
		placeUntilAcked(t, o, 10*time.Second)
	}
	again.Stop(t)
	checkDatabase(t, filepath.Join(data, "console.db"), orders)
	t.Logf("read-only file system: %d orders refused with 503 (%d of them with a second page after the error page); /readyz %d and My orders %d meanwhile; a console started on it exits saying %q; after fsck and a restart all %d orders placed once, integrity_check ok",
		len(refused), doubled, readyz, myOrders, strings.TrimSpace(lastLine(out)), len(orders))
}

// placedThenReviewed places n orders, each of which must be acknowledged (what says
// when, for the failure), then fetches the review forms of n more, not yet posted.
func placedThenReviewed(t *testing.T, c *testserver.Client, n int, what string) (placed, reviewedOnly []*pendingOrder) {
	t.Helper()
	for range n {
		o := reviewed(t, c)
		if p := placeOnce(c, o, 10*time.Second); p.code != http.StatusSeeOther {
			t.Fatalf("order %s: %d %v", what, p.code, p.err)
		}
		placed = append(placed, o)
	}
	for range n {
		reviewedOnly = append(reviewedOnly, reviewed(t, c))
	}
	return placed, reviewedOnly
}

// checkRefusal fails the test unless p is an acknowledgement, or a 503 that says why
// and when to try again, without a stack trace.
func checkRefusal(t *testing.T, what string, p post) {
	t.Helper()
	switch {
	case p.err != nil:
		t.Errorf("%s got no answer after %v: %v", what, p.end.Sub(p.start).Round(time.Millisecond), p.err)
	case p.code == http.StatusSeeOther:
	case p.code != http.StatusServiceUnavailable:
		t.Errorf("%s answered %d, want 303 or 503:\n%.400s", what, p.code, p.body)
	case p.retryAfter == "" || !strings.Contains(p.body, "database does not answer") || strings.Contains(p.body, "goroutine"):
		t.Errorf("%s answered 503 without Retry-After (%q) or a page saying why:\n%.400s", what, p.retryAfter, p.body)
	case pages(p.body) != 1:
		t.Errorf("%s answered %d pages in one body, want 1", what, pages(p.body))
	}
}

// stillServing checks that the estimator and the liveness check work without writes.
func stillServing(t *testing.T, c *testserver.Client) {
	t.Helper()
	if code, body, _ := c.Get("/ssm?credentials=2500"); code != http.StatusOK || !strings.Contains(body, "quote-monthly-total") {
		t.Errorf("the estimator must keep working: %d", code)
	}
	if code, _, _ := c.Get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// mountTmpfs mounts a tmpfs of the given size for the test and unmounts it when the
// test ends (after the consoles it started have stopped). It skips the test where
// mounting is not possible (not root, no CAP_SYS_ADMIN in a container), or fails it
// where every test must run (testenv.Skip).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Skip(t, "mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		testenv.Skipf(t, "cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { unmount(t, dir) })
	return dir
}

// fillUp writes a file in dir until the file system has no space left, and returns it.
func fillUp(t *testing.T, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "fill")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4096, 1} {
		buf := bytes.Repeat([]byte{0xff}, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	if st.Bavail != 0 {
		t.Fatalf("%d blocks still free after filling %s", st.Bavail, dir)
	}
	return name
}

// ext4Image is an ext4 file system in a file, loop-mounted with errors=remount-ro.
type ext4Image struct {
	image, dir, dev string
}

// mountExt4Image makes and mounts a small ext4 file system for the test, and unmounts
// it when the test ends. It skips the test where that is not possible (not root, no
// loop devices, no mkfs.ext4, or a kernel without ext4's trigger_fs_error), or fails
// it where every test must run (testenv.Skip).
func mountExt4Image(t *testing.T) *ext4Image {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Skip(t, "mounting a loop device needs root")
	}
	for _, tool := range []string{"mkfs.ext4", "e2fsck", "mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Skipf(t, "no %s here", tool)
		}
	}
	tmp := t.TempDir()
	fs := &ext4Image{image: filepath.Join(tmp, "fs.img"), dir: filepath.Join(tmp, "mnt")}
	if err := os.Mkdir(fs.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fs.image, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(fs.image, 64<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", fs.image).CombinedOutput(); err != nil {
		testenv.Skipf(t, "mkfs.ext4: %v %s", err, out)
	}
	if err := fs.mount(); err != nil {
		testenv.Skipf(t, "cannot loop-mount a file system here: %v", err)
	}
	t.Cleanup(func() { unmount(t, fs.dir) })
	if _, err := os.Stat(fs.trigger()); err != nil {
		testenv.Skipf(t, "this kernel cannot make ext4 fail on demand (%v)", err)
	}
	return fs
}

func (fs *ext4Image) mount() error {
	if out, err := exec.Command("mount", "-o", "loop,errors=remount-ro", fs.image, fs.dir).CombinedOutput(); err != nil {
		return errors.New(strings.TrimSpace(string(out)))
	}
	fs.dev = ""
	if src, ok := mountSource(fs.dir); ok {
		fs.dev = strings.TrimPrefix(src, "/dev/")
	}
	return nil
}

// trigger is ext4's switch for an error "found" by the kernel (for testing).
func (fs *ext4Image) trigger() string { return "/sys/fs/ext4/" + fs.dev + "/trigger_fs_error" }

// failWrites has the kernel report an error on the file system, which errors=remount-ro
// turns into a read-only file system at once, under the files the console holds open.
func (fs *ext4Image) failWrites(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(fs.trigger(), []byte("kmsconsole systemtest: read-only database"), 0); err != nil {
		t.Fatal(err)
	}
	// /proc/mounts says "rw,emergency_ro": a write says what the console will meet.
	err := os.WriteFile(filepath.Join(fs.dir, "probe"), nil, 0o600)
	if !errors.Is(err, syscall.EROFS) {
		t.Fatalf("a write after the file system error: %v, want EROFS", err)
	}
}

// repair does what an operator does: unmount, e2fsck, mount again.
func (fs *ext4Image) repair(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("umount", fs.dir).CombinedOutput(); err != nil {
		t.Fatalf("umount: %v %s", err, out)
	}
	// Exit status 1: errors corrected, the expected outcome after the error.
	if out, err := exec.Command("e2fsck", "-f", "-y", fs.image).CombinedOutput(); exitCode(err) > 1 {
		t.Fatalf("e2fsck: %v\n%s", err, out)
	}
	if err := fs.mount(); err != nil {
		t.Fatalf("mount again: %v", err)
	}
}

// mountSource returns what is mounted at dir, per /proc/mounts.
func mountSource(dir string) (string, bool) {
	b, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return "", false
	}
	src, found := "", false
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == dir {
			src, found = f[0], true // the last one is on top
		}
	}
	return src, found
}

// unmount unmounts dir (every layer mounted there), lazily if something holds it.
func unmount(t *testing.T, dir string) {
	for range 5 {
		if _, ok := mountSource(dir); !ok {
			return
		}
		if err := exec.Command("umount", dir).Run(); err != nil {
			if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
				t.Errorf("umount -l %s: %v %s", dir, err, out)
				return
			}
		}
	}
}

// TestReadOnlyDatabaseFileAnswers503AndOrdersResumeWhenWritable makes the database's
// files unwritable under a running console (chattr +i, which holds for root too,
// unlike a file mode): orders answer 503 with a page saying why, the estimator keeps
// working, and once the files are writable again the same console places the refused
// forms' orders once, without a restart. A console started on an unwritable database
// file refuses to start, saying why. The database passes PRAGMA integrity_check and
// holds exactly the orders acknowledged.
func TestReadOnlyDatabaseFileAnswers503AndOrdersResumeWhenWritable(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	srv := testserver.Start(t, consoleBin, testserver.DataDir(data))
	c := testserver.NewClient(t, srv.URL)
	orders, refused := placedThenReviewed(t, c, 5, "before the database turns read-only")

	files := immutable(t, filepath.Join(data, "console.db"), filepath.Join(data, "console.db-wal"))
	for _, o := range refused {
		p := placeOnce(c, o, 10*time.Second)
		checkRefusal(t, "an order with a read-only database file", p)
		if p.code != http.StatusServiceUnavailable {
			t.Errorf("an order with a read-only database file answered %d, want 503", p.code)
		}
	}
	stillServing(t, c)
	readyz, _, _ := c.Get("/readyz")
	myOrders, _, _ := c.Get("/orders")
	if readyz != http.StatusOK || myOrders == http.StatusInternalServerError {
		t.Errorf("with a read-only database file /readyz answers %d and My orders %d: want 200 for both (readiness checks that the database answers, not that it can be written; docs/operations.md)", readyz, myOrders)
	}
	orders = append(orders, refused...)

	files.writable(t)
	for _, o := range refused {
		placeUntilAcked(t, o, 10*time.Second)
	}
	srv.Stop(t)

	// Started on an unwritable database file, the console stops at once and says why;
	// a command that only reads still works.
	files = immutable(t, filepath.Join(data, "console.db"))
	if out, err := console(t, "user", "list", "-data", data); err != nil {
		t.Errorf("console user list on a read-only database file: %v\n%s", err, out)
	}
	began := time.Now()
	out, err := console(t, "-addr", testserver.FreeAddr(t), "-data", data, "-metrics-addr", "")
	if exitCode(err) <= 0 || time.Since(began) > 10*time.Second || !strings.Contains(out, "the database file cannot be written") ||
		!strings.Contains(out, "console.db: operation not permitted") {
		t.Errorf("a console started on a read-only database file: %v after %v, want a failure saying so:\n%s", err, time.Since(began), out)
	}
	files.writable(t)

	checkDatabase(t, filepath.Join(data, "console.db"), orders)
	t.Logf("read-only database file: %d orders refused with 503; /readyz %d and My orders %d meanwhile; a console started on it exits saying %q; once writable all %d orders placed once without a restart, integrity_check ok",
		len(refused), readyz, myOrders, strings.TrimSpace(lastLine(out)), len(orders))
}

// immutableFiles are files made unwritable with chattr +i.
type immutableFiles struct{ names []string }

// immutable sets the immutable attribute on the files that exist of names, and clears
// it when the test ends (else its temporary folder could not be removed). It skips the
// test where that is not possible (not root, no chattr, or a file system without the
// attribute), or fails it where every test must run (testenv.Skip).
func immutable(t *testing.T, names ...string) *immutableFiles {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Skip(t, "chattr +i needs root")
	}
	if _, err := exec.LookPath("chattr"); err != nil {
		testenv.Skip(t, "no chattr here")
	}
	files := &immutableFiles{}
	t.Cleanup(func() { files.writable(t) })
	for _, name := range names {
		if _, err := os.Stat(name); err != nil {
			continue
		}
		if out, err := exec.Command("chattr", "+i", name).CombinedOutput(); err != nil {
			testenv.Skipf(t, "chattr +i %s: %v %s", name, err, out)
		}
		files.names = append(files.names, name)
	}
	if len(files.names) == 0 {
		t.Fatalf("none of %v exists", names)
	}
	return files
}

// writable clears the immutable attribute of the files, once.
func (files *immutableFiles) writable(t *testing.T) {
	t.Helper()
	for _, name := range files.names {
		if out, err := exec.Command("chattr", "-i", name).CombinedOutput(); err != nil {
			t.Errorf("chattr -i %s: %v %s", name, err, out)
		}
	}
	files.names = nil
}
