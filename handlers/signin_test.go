package handlers

import "testing"

func TestThrottleAddressCountsAnIPv6NetworkAsOneClient(t *testing.T) {
	for address, want := range map[string]string{
		"203.0.113.7":              "203.0.113.7",
		"2001:db8:1:2:aaaa::1":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":          "2001:db8:1:3::/64",
		"::1":                      "::/64",
		"not an address":           "not an address",
	} {
		if got := throttleAddress(address); got != want {
			t.Errorf("throttleAddress(%q) = %q, want %q", address, got, want)
		}
	}
}

func TestWaitTextCountsInWords(t *testing.T) {
	for seconds, want := range map[int]string{1: "1 second", 2: "2 seconds", 59: "59 seconds", 60: "1 minute",
		61: "2 minutes", 120: "2 minutes", 900: "15 minutes"} {
		if got := waitText(seconds); got != want {
			t.Errorf("waitText(%d) = %q, want %q", seconds, got, want)
		}
	}
}
