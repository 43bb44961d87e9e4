package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordRules(t *testing.T) {
	for _, bad := range []string{"", "short", "elevenchars", strings.Repeat("a", 73)} {
		if _, err := Hash(bad); err != ErrWeakPassword {
			t.Errorf("Hash(%q) = %v, want ErrWeakPassword", bad, err)
		}
	}
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !Check(h, "correct horse battery") || Check(h, "correct horse batterY") || Check(nil, "correct horse battery") {
		t.Error("Check must accept only the password")
	}
}

func TestSignInWaitsDoubleAfterFiveFreeFailuresUpToFifteenMinutes(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {5, 0}, // the first five are free
		{6, time.Second}, {7, 2 * time.Second}, {8, 4 * time.Second},
		{15, 512 * time.Second},
		{16, 15 * time.Minute}, {40, 15 * time.Minute}, {1 << 30, 15 * time.Minute}, // capped
		{-1, 0},
	} {
		if got := SignInPolicy.WaitAfter(tc.failures); got != tc.want {
			t.Errorf("after %d failures: wait %v, want %v", tc.failures, got, tc.want)
		}
	}
	if ForgetFailuresAfter <= SignInPolicy.Max {
		t.Errorf("failures are forgotten after %v, before the longest wait %v ends", ForgetFailuresAfter, SignInPolicy.Max)
	}
}
