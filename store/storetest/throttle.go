package storetest

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kmsconsole/store"
)

// t0 is the tests' clock: the throttle takes the time from its caller.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// secondsOver2 is a policy that shows the count the store reached: two free failures,
// then one second per failure beyond them.
func secondsOver2(failures int) time.Duration {
	return time.Duration(max(failures-2, 0)) * time.Second
}

func wait(t *testing.T, s store.Store, now time.Time, keys ...string) time.Duration {
	t.Helper()
	d, err := s.ThrottleWait(t.Context(), keys, now)
	if err != nil {
		t.Fatalf("ThrottleWait(%v): %v", keys, err)
	}
	return d
}

func fail(t *testing.T, s store.Store, now time.Time, waitAfter func(int) time.Duration, keys ...string) {
	t.Helper()
	if err := s.ThrottleFail(t.Context(), keys, now, waitAfter); err != nil {
		t.Fatalf("ThrottleFail(%v): %v", keys, err)
	}
}

func testThrottleCountsFailuresPerKey(t *testing.T, db database) {
	s := db.open(t)
	account, address := "account:rep@example.com", "address:192.0.2.1"
	if d := wait(t, s, t0, account, address); d != 0 {
		t.Errorf("no failures yet: wait %v", d)
	}
	if d, err := s.ThrottleWait(t.Context(), nil, t0); d != 0 || err != nil {
		t.Errorf("no keys: wait %v, %v", d, err)
	}
	for range 2 {
		fail(t, s, t0, secondsOver2, account, address)
	}
	if d := wait(t, s, t0, account, address); d != 0 {
		t.Errorf("after the free failures: wait %v, want 0", d)
	}
	fail(t, s, t0, secondsOver2, account, address)
	fail(t, s, t0, secondsOver2, address) // the address alone, from another account
	for _, tc := range []struct {
		keys []string
		now  time.Time
		want time.Duration
	}{
		{[]string{account}, t0, time.Second},
		{[]string{address}, t0, 2 * time.Second},
		{[]string{account, address}, t0, 2 * time.Second}, // the longer of the two
		{[]string{"account:other@example.com", address}, t0, 2 * time.Second},
		{[]string{address}, t0.Add(1500 * time.Millisecond), 500 * time.Millisecond},
		{[]string{address}, t0.Add(2 * time.Second), 0},
		{[]string{address}, t0.Add(time.Hour), 0},
		{[]string{"account:other@example.com", "address:192.0.2.2"}, t0, 0},
		// The caller's time zone does not matter.
		{[]string{address}, t0.In(time.FixedZone("UTC-10", -10*3600)), 2 * time.Second},
		// Keys are exact: no case folding, no patterns.
		{[]string{"ACCOUNT:REP@EXAMPLE.COM", "address:%", "' OR 1=1 --"}, t0, 0},
	} {
		if d := wait(t, s, tc.now, tc.keys...); d != tc.want {
			t.Errorf("ThrottleWait(%v) at t0%+v: %v, want %v", tc.keys, tc.now.Sub(t0), d, tc.want)
		}
	}
}

func testThrottleClearForgetsOneKey(t *testing.T, db database) {
	s := db.open(t)
	account, address := "account:rep@example.com", "address:192.0.2.1"
	for range 4 {
		fail(t, s, t0, secondsOver2, account, address)
	}
	if err := s.ThrottleClear(t.Context(), account); err != nil {
		t.Fatalf("ThrottleClear: %v", err)
	}
	if d := wait(t, s, t0, account); d != 0 {
		t.Errorf("the cleared account still waits %v", d)
	}
	if d := wait(t, s, t0, address); d != 2*time.Second {
		t.Errorf("the address keeps its record: wait %v, want 2s", d)
	}
	fail(t, s, t0, secondsOver2, account)
	fail(t, s, t0, secondsOver2, account)
	if d := wait(t, s, t0, account); d != 0 {
		t.Errorf("the count starts again after a clear: wait %v after 2 failures", d)
	}
	if err := s.ThrottleClear(t.Context(), "account:nobody@example.com"); err != nil {
		t.Errorf("ThrottleClear of an unknown key: %v", err)
	}
}

func testThrottleNeverShortensAWait(t *testing.T, db database) {
	s := db.open(t)
	long := func(int) time.Duration { return 10 * time.Minute }
	none := func(int) time.Duration { return 0 }
	fail(t, s, t0, long, "k")
	fail(t, s, t0.Add(time.Second), none, "k") // another instance, another answer
	if d := wait(t, s, t0.Add(time.Second), "k"); d != 10*time.Minute-time.Second {
		t.Errorf("wait %v, want the longer block kept", d)
	}
}

func testThrottleForgetsQuietRecords(t *testing.T, db database) {
	s := db.open(t)
	blocked := func(int) time.Duration { return 2 * store.ThrottleForgetAfter }
	for range 5 {
		fail(t, s, t0, secondsOver2, "quiet")
	}
	fail(t, s, t0, secondsOver2, "quiet-too")
	fail(t, s, t0, blocked, "still-blocked")
	later := t0.Add(store.ThrottleForgetAfter + time.Minute)

	fail(t, s, later, secondsOver2, "fresh")
	if n := throttleRecords(t, db); !slices.Equal(n, []string{"fresh", "still-blocked"}) {
		t.Errorf("records after an hour of quiet: %v, want the blocked one and the new one", n)
	}
	// A record whose block outlasts the quiet hour keeps its count.
	fail(t, s, later, secondsOver2, "still-blocked")
	if d := wait(t, s, later, "still-blocked"); d != store.ThrottleForgetAfter-time.Minute {
		t.Errorf("still blocked: wait %v, want the first block kept", d)
	}

	// More quiet records than one failure deletes: those left count again from one
	// all the same.
	var many []string
	for i := range 150 {
		many = append(many, fmt.Sprintf("many-%03d", i))
	}
	fail(t, s, t0, secondsOver2, many...)
	fail(t, s, t0, secondsOver2, many...)
	fail(t, s, later, secondsOver2, many...)
	for _, k := range many {
		if d := wait(t, s, later, k); d != 0 {
			t.Errorf("%s: 1 failure after an hour of quiet waits %v; want 0 (the count starts again)", k, d)
		}
	}
}

// testThrottleConcurrentFailuresCountExactly fails one key from two stores on one
// database (two instances), many times at once: each failure must see its own count.
func testThrottleConcurrentFailuresCountExactly(t *testing.T, db database) {
	instances := []store.Store{db.open(t), db.open(t)}
	const perInstance = 25
	var (
		mu     sync.Mutex
		counts []int
		wg     sync.WaitGroup
		start  = make(chan struct{})
		errs   = make(chan error, 2*perInstance)
	)
	record := func(n int) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		counts = append(counts, n)
		return secondsOver2(n)
	}
	for i := range 2 * perInstance {
		s := instances[i%2]
		wg.Go(func() {
			<-start
			if err := s.ThrottleFail(t.Context(), []string{"account:rep@example.com"}, t0, record); err != nil {
				errs <- fmt.Errorf("failure %d: %w", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(counts)
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("counts seen %v, want 1 to %d once each", counts, 2*perInstance)
		}
	}
	want := secondsOver2(2 * perInstance)
	for i, s := range instances {
		if d := wait(t, s, t0, "account:rep@example.com"); d != want {
			t.Errorf("instance %d: wait %v, want %v", i, d, want)
		}
	}
}

// throttleRecords lists the keys the throttle keeps, reading the table directly: the
// contract has no other way to tell a forgotten record from an expired one.
func throttleRecords(t *testing.T, db database) []string {
	t.Helper()
	const q = `SELECT key FROM sign_in_throttle ORDER BY key`
	var keys []string
	if db.url == "" {
		conn, err := sql.Open("sqlite", filepath.Join(db.dir, "console.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		rows, err := conn.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return keys
	}
	conn, err := pgx.Connect(t.Context(), db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	keys, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
