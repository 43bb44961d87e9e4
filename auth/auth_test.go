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

func TestThrottleSlowsRepeatedFailures(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	th := NewThrottle()
	th.now = func() time.Time { return now }
	for i := range 5 {
		if w := th.Wait("a@x", "1.2.3.4"); w != 0 {
			t.Fatalf("attempt %d waits %v; the first five are free", i+1, w)
		}
		th.Fail("a@x", "1.2.3.4")
	}
	th.Fail("a@x", "1.2.3.4") // the sixth failure
	if w := th.Wait("a@x"); w != time.Second {
		t.Errorf("after 6 failures: %v, want 1s", w)
	}
	th.Fail("a@x", "1.2.3.4")
	if w := th.Wait("b@x", "1.2.3.4"); w != 2*time.Second {
		t.Errorf("the client address is slowed too: %v, want 2s", w)
	}
	for range 30 {
		th.Fail("a@x")
	}
	if w := th.Wait("a@x"); w != 15*time.Minute {
		t.Errorf("the wait is capped: %v", w)
	}
	th.Succeed("a@x")
	if w := th.Wait("a@x"); w != 0 {
		t.Errorf("a success clears the account: %v", w)
	}
	now = now.Add(3 * time.Second)
	if w := th.Wait("1.2.3.4"); w != 0 {
		t.Errorf("the address's wait has passed: %v", w)
	}
}
