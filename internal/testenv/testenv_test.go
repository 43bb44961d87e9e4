package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that notes a skip or a failure instead of ending the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skip(args ...any)             { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }

func TestSkipSkipsUnlessEveryTestMustRun(t *testing.T) {
	for _, env := range []string{"", "0", "yes"} {
		t.Setenv(EnvRequireAll, env)
		r := &recorder{}
		Skipf(r, "no %s here", "loop device")
		if r.skipped != "no loop device here" || r.failed != "" {
			t.Errorf("%s=%q: skipped %q, failed %q; want a skip saying what is missing", EnvRequireAll, env, r.skipped, r.failed)
		}
	}
	t.Setenv(EnvRequireAll, "1")
	r := &recorder{}
	Skip(r, "no postgres user")
	if r.skipped != "" || !strings.Contains(r.failed, "no postgres user") || !strings.Contains(r.failed, EnvRequireAll+"=1") {
		t.Errorf("%s=1: skipped %q, failed %q; want a failure saying what is missing and why it counts", EnvRequireAll, r.skipped, r.failed)
	}
}

func TestPostgresBinIsTheNewestMajorVersion(t *testing.T) {
	root := t.TempDir()
	if got := postgresBinIn(root); got != "" {
		t.Errorf("no versions: %q, want none", got)
	}
	for _, major := range []string{"9", "15", "13"} {
		bin := filepath.Join(root, major, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, "pg_ctl"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "16", "bin"), 0o755); err != nil { // a client-only install
		t.Fatal(err)
	}
	if got, want := postgresBinIn(root), filepath.Join(root, "15", "bin"); got != want {
		t.Errorf("got %q, want %q (15 is newer than 9 and 13; 16 has no pg_ctl)", got, want)
	}
}
