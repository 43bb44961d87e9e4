// Package testenv is what a test does where the machine lacks something it needs
// (root, PostgreSQL's server binaries, a loop device, TEST_DATABASE_URL): it skips,
// saying what is missing, or, where TEST_REQUIRE_ALL=1 (.ci/run sets it), it fails,
// so that a run meant to prove everything cannot pass by leaving part of it out.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// EnvRequireAll names the variable that turns these skips into failures.
const EnvRequireAll = "TEST_REQUIRE_ALL"

// Skip skips the test for reason, or fails it when every test must run.
func Skip(tb testing.TB, reason string) {
	tb.Helper()
	if os.Getenv(EnvRequireAll) == "1" {
		tb.Fatalf("%s; %s=1 requires this test to run", reason, EnvRequireAll)
		return
	}
	tb.Skip(reason)
}

// Skipf is Skip with a formatted reason.
func Skipf(tb testing.TB, format string, args ...any) {
	tb.Helper()
	Skip(tb, fmt.Sprintf(format, args...))
}

// PostgresBin is the folder of the newest PostgreSQL server binaries installed the
// Debian way (/usr/lib/postgresql/<major>/bin), or "" when there are none.
func PostgresBin() string { return postgresBinIn("/usr/lib/postgresql") }

func postgresBinIn(root string) string {
	found, _ := filepath.Glob(filepath.Join(root, "*", "bin", "pg_ctl"))
	major := func(pgCtl string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(pgCtl))))
		return n
	}
	slices.SortFunc(found, func(a, b string) int { return major(a) - major(b) })
	if len(found) == 0 {
		return ""
	}
	return filepath.Dir(found[len(found)-1])
}
