package handlers

import (
	"math/rand/v2"
	"net/url"
	"testing"
)

// The region links built around one encoding are the links built one by one, for
// queries with any keys and values (NULs and look-alike keys included).
func TestRegionLinksAreTheQueryInEachRegion(t *testing.T) {
	keys := []string{"region", "xregion", "pregion", "a", "credentials", "re gion", "region&", "z"}
	values := []string{"", "ap-tokyo", "\x00", "region=\x00", "a&b", "你好", "%00", "+ "}
	regions := []string{"ap-tokyo", "ap-guangzhou", "a b&c=d", ""}
	r := rand.New(rand.NewPCG(11, 12))
	for range 5000 {
		q := url.Values{}
		for range r.IntN(5) {
			k := keys[r.IntN(len(keys))]
			q[k] = append(q[k], values[r.IntN(len(values))])
		}
		link := regionLinks("/ssm", q)
		for _, region := range regions {
			want := "/ssm?" + cloneWith(q, "region", region).Encode()
			if got := link(region); got != want {
				t.Fatalf("query %q, region %q: %q, want %q", q, region, got, want)
			}
		}
	}
}
