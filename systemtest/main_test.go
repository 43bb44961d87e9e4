// Package systemtest runs the real console binary, without a browser, through what a
// deployment meets: a crash in the middle of taking orders, and several instances
// sharing one PostgreSQL database.
package systemtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"kmsconsole/internal/testserver"
)

var consoleBin string

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "kmsconsole-systemtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	root, _ := filepath.Abs("..")
	consoleBin, err = testserver.Build(root, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(tmp)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}
