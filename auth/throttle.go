package auth

import "time"

// Policy decides how repeated failed sign-ins are slowed: after Free failures for the
// same key (an account's email, or a client address), each further attempt must wait,
// and the wait doubles with every failure, from Base up to Max. The failures
// themselves are counted where every instance sees them (the store), so that an
// attacker spread over several instances is slowed as one.
type Policy struct {
	Free int           // failures allowed before any wait
	Base time.Duration // the first wait
	Max  time.Duration // the longest wait
}

// SignInPolicy allows 5 free failures, then waits from 1 s doubling to 15 min.
var SignInPolicy = Policy{Free: 5, Base: time.Second, Max: 15 * time.Minute}

// ForgetFailuresAfter is how long a key's failures are remembered without a new one:
// after an hour of quiet the count starts again from nothing. It is longer than any
// wait, so a key is never forgotten while it still must wait.
const ForgetFailuresAfter = time.Hour

// WaitAfter is how long the next attempt must wait once the key has failed this many
// times in all (0: at once).
func (p Policy) WaitAfter(failures int) time.Duration {
	over := failures - p.Free
	if over <= 0 {
		return 0
	}
	// Shifting by at most 20 cannot overflow, and 2^20 s is past any sensible cap.
	return min(p.Base<<min(over-1, 20), p.Max)
}
