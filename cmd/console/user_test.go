package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	user := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := runUser(context.Background(), append(args, "-data", dir), env(nil), strings.NewReader(stdin), &out)
		return out.String(), err
	}
	if out, err := user("a long enough passphrase\n", "add", "-email", "Rep@Example.com"); err != nil || !strings.Contains(out, "added rep@example.com") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, err := user("another long passphrase\n", "add", "-email", "rep@example.com"); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second account with the email: %v", err)
	}
	if _, err := user("short\n", "add", "-email", "new@example.com"); err == nil || !strings.Contains(err.Error(), "12 characters") {
		t.Errorf("a weak password: %v", err)
	}
	if _, err := user("", "add"); err == nil {
		t.Error("add needs an email")
	}
	if out, err := user("", "disable", "-email", "rep@example.com"); err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("disable: %q %v", out, err)
	}
	out, err := user("", "list")
	if err != nil || !strings.Contains(out, "rep@example.com") || !strings.Contains(out, "disabled") || strings.Contains(out, "new@example.com") {
		t.Errorf("list: %q %v", out, err)
	}
	if _, err := user("", "disable", "-email", "nobody@example.com"); err == nil {
		t.Error("disabling an unknown rep must fail")
	}
	if _, err := user("", "promote"); err == nil {
		t.Error("an unknown command must fail")
	}
}
