package auth

import (
	"sync"
	"time"
)

// Throttle slows repeated failed sign-ins: after a few failures for the same key (an
// account's email, or a client address), each further attempt must wait, and the wait
// doubles with every failure, up to a cap. A success clears the account's record.
// It lives in the process: with several instances, each throttles on its own (an
// attacker spread over instances gets at most that many times the attempts).
type Throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	free    int           // failures allowed before any wait
	base    time.Duration // the first wait
	max     time.Duration // the longest wait
	forget  time.Duration // a record is dropped after this long without failures
	records map[string]*record
}

type record struct {
	failures int
	last     time.Time
	until    time.Time // no attempt before this
}

// NewThrottle returns a throttle allowing 5 free failures, then waits from 1 s
// doubling to 15 min; records are forgotten after an hour of quiet.
func NewThrottle() *Throttle {
	return &Throttle{now: time.Now, free: 5, base: time.Second, max: 15 * time.Minute,
		forget: time.Hour, records: map[string]*record{}}
}

// Wait returns how long the caller must wait before trying key again (0: now).
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		if r, ok := t.records[k]; ok && r.until.After(now) {
			wait = max(wait, r.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt for every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	for _, k := range keys {
		r := t.records[k]
		if r == nil {
			r = &record{}
			t.records[k] = r
		}
		r.failures++
		r.last = now
		if over := r.failures - t.free; over > 0 {
			wait := t.base << min(over-1, 20)
			r.until = now.Add(min(wait, t.max))
		}
	}
}

// Succeed forgets the failures of key (the account, on a good sign-in; the client
// address keeps its record, so that one good account does not launder guesses).
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.records, key)
}

// sweep drops quiet records so that the map cannot grow without bound.
func (t *Throttle) sweep(now time.Time) {
	if len(t.records) < 10_000 {
		return
	}
	for k, r := range t.records {
		if now.Sub(r.last) > t.forget {
			delete(t.records, k)
		}
	}
}
