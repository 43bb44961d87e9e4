package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func quote(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestWorkedExampleTable(t *testing.T) {
	out, err := quote(t, "", "testdata/worked-example.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Credential storage: 100 credentials", "40.00", "0.30", "Monthly total", "40.30", "price book 2025-03-26.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestJSONFromStdin(t *testing.T) {
	in, _ := os.ReadFile("testdata/worked-example.json")
	out, err := quote(t, string(in), "-json")
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		Totals struct{ Monthly, Upfront string }
	}
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if q.Totals.Monthly != "40.30" || q.Totals.Upfront != "0.00" {
		t.Errorf("totals %+v, want 40.30 and 0.00", q.Totals)
	}
}

func TestHelpIsNotAnError(t *testing.T) {
	if out, err := quote(t, "", "-h"); err != nil || !strings.Contains(out, "usage: quote") {
		t.Errorf("quote -h: %v, printing %q", err, out)
	}
}

func TestBadInputIsAUsageError(t *testing.T) {
	for name, tc := range map[string]struct {
		stdin string
		args  []string
	}{
		"field problems": {`{"items": [{"product": "kms", "region": "ap-tokyo", "customer_keys": -1}]}`, nil},
		"broken JSON":    {`{"items": [`, nil},
		"missing file":   {"", []string{filepath.Join(t.TempDir(), "none.json")}},
		"unknown flag":   {"", []string{"-xml"}},
	} {
		_, err := quote(t, tc.stdin, tc.args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: want a usage error (exit 2), got %v", name, err)
		}
	}
}
