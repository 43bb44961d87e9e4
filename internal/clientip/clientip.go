// Package clientip finds the address of the client behind the proxies the operator
// trusts. Behind a load balancer every request comes from the balancer's address, so
// a limit kept per address (the sign-in throttle) would count every client as one: a
// few wrong passwords from anyone would slow down every rep. The balancer names the
// client in X-Forwarded-For; that header is believed only from a trusted proxy, since
// any client can send one.
package clientip

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the addresses whose X-Forwarded-For is believed. The zero value trusts
// none: the client is the peer of the connection.
type Proxies struct {
	prefixes []netip.Prefix
}

// Parse reads a list of IP addresses and CIDR ranges, separated by commas or spaces,
// such as "10.0.0.0/8, 192.0.2.7". An empty list trusts no proxy.
func Parse(list string) (Proxies, error) {
	var p Proxies
	for _, item := range strings.FieldsFunc(list, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' }) {
		var prefix netip.Prefix
		var err error
		if strings.Contains(item, "/") {
			prefix, err = netip.ParsePrefix(item)
			if err == nil && prefix != prefix.Masked() {
				// 10.1.2.3/8 is most likely a typing mistake: say so rather than trust
				// a range other than the one the operator read.
				err = fmt.Errorf("host bits are set; the range is %s", prefix.Masked())
			}
		} else {
			var addr netip.Addr
			addr, err = netip.ParseAddr(item)
			if err == nil && addr.Zone() != "" {
				err = errors.New("write it without its zone (%" + addr.Zone() + ")")
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q: not an IP address or CIDR range: %w", item, err)
		}
		if prefix.Addr().Is4In6() && prefix.Bits() >= 96 {
			// ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared unmapped.
			prefix = netip.PrefixFrom(prefix.Addr().Unmap(), prefix.Bits()-96)
		}
		if prefix.Bits() == 0 {
			// Trusting every address lets any client name its own address, which
			// is trusting none, made worse: refuse it rather than obey it.
			return Proxies{}, fmt.Errorf("trusted proxy %q: trusts every address; name the load balancers' own addresses or subnet", item)
		}
		p.prefixes = append(p.prefixes, prefix)
	}
	return p, nil
}

// String lists the trusted ranges as Parse reads them back ("" for none).
func (p Proxies) String() string {
	s := make([]string, len(p.prefixes))
	for i, prefix := range p.prefixes {
		s[i] = prefix.String()
	}
	return strings.Join(s, ",")
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, prefix := range p.prefixes {
		if prefix.Contains(a) {
			return true
		}
	}
	return false
}

// Address is the client's IP address. It is the connection's peer, unless the peer is
// a trusted proxy: then X-Forwarded-For is read from its right end, where the nearest
// proxy wrote, past every trusted address, to the first one that is not trusted. An
// entry that is not an address ends the walk at the last trusted one: only a proxy
// writes to the right of the client, so anything a client wrote itself lies to the
// left of the address its proxy added, and is never reached. The walk reads the
// header backwards in place, so a client that fills its part with entries costs
// nothing more.
func (p Proxies) Address(r *http.Request) string {
	peer, ok := parseHost(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !p.trusts(peer) {
		return peer.String()
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		rest := hops[i]
		for {
			entry := rest
			comma := strings.LastIndexByte(rest, ',')
			if comma >= 0 {
				entry, rest = rest[comma+1:], rest[:comma]
			}
			a, ok := parseHop(entry)
			if !ok {
				return client.String()
			}
			client = a
			if !p.trusts(a) {
				return client.String()
			}
			if comma < 0 {
				break
			}
		}
	}
	return client.String()
}

// parseHost reads the address of a host:port, as http.Request.RemoteAddr holds it.
func parseHost(hostport string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap().WithZone(""), err == nil
}

// parseHop reads one entry of X-Forwarded-For: an address, which some proxies write
// with a port ("192.0.2.1:4711", "[2001:db8::1]:4711") or in brackets. An IPv6
// address with a port must be in brackets: "2001:db8::1:4711" is another address.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
