package clientip

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseReadsAddressesAndRanges(t *testing.T) {
	for list, want := range map[string]string{
		"":                                      "",
		"10.0.0.0/8":                            "10.0.0.0/8",
		" 10.0.0.0/8, 192.0.2.7  2001:db8::/32": "10.0.0.0/8,192.0.2.7/32,2001:db8::/32",
		"::ffff:192.0.2.7":                      "192.0.2.7/32",
		"::ffff:10.0.0.0/104":                   "10.0.0.0/8",
		"127.0.0.1,::1":                         "127.0.0.1/32,::1/128",
	} {
		p, err := Parse(list)
		if err != nil || p.String() != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", list, p.String(), err, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "10.1.2.3/8", "proxy.internal", "10.0.0", "fe80::1%eth0", "10.0.0.1:80",
		"0.0.0.0/0", "::/0", "::ffff:0:0/96"} {
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Parse(%q): %v, want an error naming it", bad, err)
		}
	}
}

func TestAddressBelievesOnlyTrustedProxies(t *testing.T) {
	proxies, err := Parse("10.0.0.0/8, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote string
		forwarded    []string
		want         string
	}{
		{"no proxy", "198.51.100.9:5000", nil, "198.51.100.9"},
		{"an untrusted peer's header is ignored", "198.51.100.9:5000", []string{"203.0.113.1"}, "198.51.100.9"},
		{"one trusted proxy", "10.0.0.2:5000", []string{"203.0.113.1"}, "203.0.113.1"},
		{"a trusted proxy without the header", "10.0.0.2:5000", nil, "10.0.0.2"},
		{"a client's own entry, left of its proxy's, is not believed", "10.0.0.2:5000", []string{"192.0.2.66, 203.0.113.1"}, "203.0.113.1"},
		{"a chain of trusted proxies", "10.0.0.2:5000", []string{"203.0.113.1, 10.9.9.9, 2001:db8::5"}, "203.0.113.1"},
		{"several header lines are one list", "10.0.0.2:5000", []string{"192.0.2.66", "203.0.113.1, 10.1.1.1"}, "203.0.113.1"},
		{"only trusted entries: the leftmost", "10.0.0.2:5000", []string{"10.3.3.3, 10.1.1.1"}, "10.3.3.3"},
		{"garbage stops at the last trusted", "10.0.0.2:5000", []string{"203.0.113.1, not-an-ip, 10.1.1.1"}, "10.1.1.1"},
		{"garbage from the nearest proxy: the proxy", "10.0.0.2:5000", []string{"unknown"}, "10.0.0.2"},
		{"an empty entry is garbage", "10.0.0.2:5000", []string{"203.0.113.1,"}, "10.0.0.2"},
		{"entries with ports", "10.0.0.2:5000", []string{"203.0.113.1:4711"}, "203.0.113.1"},
		{"IPv6 in brackets with a port", "10.0.0.2:5000", []string{"[2001:db9::1]:4711"}, "2001:db9::1"},
		{"IPv6 in brackets", "10.0.0.2:5000", []string{"[2001:db9::1]"}, "2001:db9::1"},
		{"an IPv6 peer", "[2001:db8::7]:5000", []string{"203.0.113.1"}, "203.0.113.1"},
		{"a mapped IPv4 peer", "[::ffff:10.0.0.2]:5000", []string{"::ffff:203.0.113.1"}, "203.0.113.1"},
		{"a peer without a port", "10.0.0.2", []string{"203.0.113.1"}, "10.0.0.2"},
		{"a zoned peer", "[2001:db8::7%eth0]:5000", []string{"203.0.113.1"}, "203.0.113.1"},
		{"a zoned entry", "10.0.0.2:5000", []string{"fe80::9%eth0"}, "fe80::9"},
		{"an unbracketed IPv6 entry with a port is another address", "10.0.0.2:5000", []string{"2001:db9::1:4711"}, "2001:db9::1:4711"},
		{"many entries, the last one untrusted", "10.0.0.2:5000", []string{strings.Repeat("192.0.2.66,", 10000) + "203.0.113.1"}, "203.0.113.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.forwarded {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := proxies.Address(r); got != tc.want {
				t.Errorf("Address = %q, want %q", got, tc.want)
			}
		})
	}
	// Trusting none, the header is never read.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.2:5000"
	r.Header.Set("X-Forwarded-For", "203.0.113.1")
	if got := (Proxies{}).Address(r); got != "10.0.0.2" {
		t.Errorf("no trusted proxies: %q", got)
	}
}

// A client fills its part of the header as it likes (up to the server's header limit):
// reading it costs no more for that.
func TestAddressReadsALongHeaderWithoutCopyingIt(t *testing.T) {
	proxies, _ := Parse("10.0.0.0/8")
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.2:5000"
	r.Header.Set("X-Forwarded-For", strings.Repeat("192.0.2.66,", 5000)+"203.0.113.1, 10.0.0.3")
	if allocs := testing.AllocsPerRun(100, func() { proxies.Address(r) }); allocs > 1 {
		t.Errorf("%v allocations a call, want at most 1 (the answer)", allocs)
	}
}
