package systemtest

import (
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// TestSIGKILLUnderSustainedOrderLoadLosesAndDuplicatesNothing kills the console with
// SIGKILL three times while every buyer is placing orders (all of them still busy, and
// several posts in flight at the moment of the kill), restarting it on the same data
// each time. In the database, checked directly with PRAGMA integrity_check: every
// acknowledged order once, under the ID acknowledged; an order cut off by the kill at
// most once; nothing that was never posted. Posting every form again after the last
// restart ends each on exactly one order.
//
// TestAcknowledgedOrdersSurviveSIGKILL kills once too, but its buyers start while the
// next ones still fetch their forms, so by the kill most of them have run out of
// orders: it is killed with one or two posts in flight, not under the full load.
func TestSIGKILLUnderSustainedOrderLoadLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	const buyers, perBuyer, kills = 6, 40, 3
	data, addr := t.TempDir(), testserver.FreeAddr(t)
	var (
		posted          []*pendingOrder // acknowledged or cut off
		cutOff, ackedN  int
		inFlightFigures []int
	)
	var clients []*testserver.Client
	for range buyers {
		clients = append(clients, testserver.NewClient(t, "http://"+addr))
	}
	for kill := range kills {
		srv := testserver.Start(t, consoleBin, testserver.DataDir(data), testserver.Addr(addr))
		// Every form first, so that all the buyers start together and none runs out.
		forms := make([][]*pendingOrder, buyers)
		for i, c := range clients {
			for range perBuyer {
				forms[i] = append(forms[i], reviewed(t, c))
			}
		}
		var (
			mu              sync.Mutex
			acked, inFlight atomic.Int64
			finished        atomic.Int64
			killed          atomic.Bool
			wg              sync.WaitGroup
			start           = make(chan struct{})
			thisRound       []*pendingOrder
			unexpected      []post
		)
		for i, c := range clients {
			wg.Go(func() {
				<-start
				for _, o := range forms[i] {
					mu.Lock()
					thisRound = append(thisRound, o)
					mu.Unlock()
					inFlight.Add(1)
					p := placeOnce(c, o, 10*time.Second)
					inFlight.Add(-1)
					if p.code != http.StatusSeeOther {
						if !killed.Load() {
							mu.Lock()
							unexpected = append(unexpected, p)
							mu.Unlock()
						}
						return // the console is gone
					}
					acked.Add(1)
				}
				finished.Add(1)
			})
		}
		close(start)
		target := int64(30 + rand.IntN(60)) // somewhere in the middle, a different place each time
		waitFor(t, 30*time.Second, "orders acknowledged before the kill", func() bool { return acked.Load() >= target })
		n, done := inFlight.Load(), finished.Load()
		killed.Store(true)
		srv.Kill()
		wg.Wait()
		for _, p := range unexpected {
			t.Errorf("an order post before the kill answered %d %v, want 303", p.code, p.err)
		}
		if done > 0 || n < 2 {
			t.Errorf("kill %d: %d buyers had placed all their orders and %d posts were in flight: not killed under load", kill+1, done, n)
		}
		inFlightFigures = append(inFlightFigures, int(n))
		for _, o := range thisRound {
			if o.acked() {
				ackedN++
			} else {
				cutOff++
			}
		}
		posted = append(posted, thisRound...)
		closeIdle(clients...)
	}

	// The database as the last kill left it.
	byKey := sqliteOrdersByKey(t, filepath.Join(data, "console.db"))
	committedUnacked := 0
	for _, o := range posted {
		got := byKey[o.token]
		switch {
		case o.acked() && (len(got) != 1 || got[0] != o.ids[0]):
			t.Errorf("acknowledged order %s: in the database as %v", o.ids[0], got)
		case !o.acked() && len(got) > 1:
			t.Errorf("a post cut off by the kill is %d orders: %v", len(got), got)
		case !o.acked() && len(got) == 1:
			committedUnacked++ // recorded, the kill came before the answer: its retry finds it
		}
		delete(byKey, o.token)
	}
	for key, ids := range byKey {
		t.Errorf("orders %v under key %s, which no buyer posted", ids, key)
	}

	// After the last restart, each form posted again ends on one order.
	srv := testserver.Start(t, consoleBin, testserver.DataDir(data), testserver.Addr(addr))
	for _, o := range posted {
		want := append([]string(nil), o.ids...)
		placeUntilAcked(t, o, 10*time.Second)
		if len(want) > 0 && o.ids[len(o.ids)-1] != want[0] {
			t.Errorf("the retry of acknowledged order %s placed %s", want[0], o.ids[len(o.ids)-1])
		}
		o.ids = o.ids[len(o.ids)-1:]
	}
	checkOrdersShown(t, srv, posted[:min(len(posted), 20)])
	closeIdle(clients...)
	srv.Stop(t)
	checkDatabase(t, filepath.Join(data, "console.db"), posted)
	t.Logf("%d kills under %d buyers, with %v posts in flight: %d orders acknowledged, %d posts cut off (%d of them recorded before the kill); after the restarts every acknowledged order was there once, and every form's retry ended on one order",
		kills, buyers, inFlightFigures, ackedN, cutOff, committedUnacked)
}
