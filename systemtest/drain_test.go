package systemtest

import (
	"net/http"
	"syscall"
	"testing"
	"time"

	"kmsconsole/internal/testserver"
)

// TestSIGTERMDrainsBeforeStopping: on SIGTERM, /readyz turns 503 at once while the
// console keeps serving for its drain period, then it stops.
func TestSIGTERMDrainsBeforeStopping(t *testing.T) {
	srv := testserver.Start(t, consoleBin, testserver.Args("-drain", "3s"))
	c := testserver.NewClient(t, srv.URL)
	if code, _, _ := c.Get("/readyz"); code != http.StatusOK {
		t.Fatalf("ready before the stop: %d", code)
	}
	if err := srv.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		code, _, _ := c.Get("/readyz")
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d a second after SIGTERM", code)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Until the drain period ends, every request is answered: on the connections a
	// load balancer holds and on new ones.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	served := 0
	for until := time.Now().Add(time.Second); time.Now().Before(until); served++ {
		if code, _, _ := c.Get("/ssm"); code != http.StatusOK {
			t.Fatalf("request %d while draining: %d", served, code)
		}
		resp, err := fresh.Get(srv.URL + "/kms")
		if err != nil {
			t.Fatalf("a new connection while draining: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a new connection while draining: %d", resp.StatusCode)
		}
	}
	t.Logf("%d pages served while draining, none failed", 2*served)
	select {
	case <-srv.Exited():
	case <-time.After(12 * time.Second):
		t.Fatal("the console did not stop after its drain")
	}
}
