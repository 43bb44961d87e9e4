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
	srv := testserver.Start(t, consoleBin, testserver.Args("-drain", "1500ms"))
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
	if code, _, _ := c.Get("/ssm"); code != http.StatusOK {
		t.Errorf("pages are served while draining: %d", code)
	}
	select {
	case <-srv.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("the console did not stop after its drain")
	}
}
