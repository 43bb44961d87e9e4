package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"kmsconsole/store"
)

// failingSessions is a session store whose writes fail, as on a full disk.
type failingSessions struct{ scs.Store }

func (failingSessions) Commit(string, []byte, time.Time) error {
	return errors.New("disk full")
}

type sessionsFailStore struct{ store.Store }

func (s sessionsFailStore) SessionStore() scs.Store { return failingSessions{s.Store.SessionStore()} }

// TestASessionThatCannotBeSavedGivesOnePage: scs calls the error page when the session
// cannot be saved and then passes the handler's page on too; the answer must be the
// 503 page alone, compressed or not.
func TestASessionThatCannotBeSavedGivesOnePage(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	book, st := newTestStore(t, log, "")
	srv := newServerWith(t, log, book, sessionsFailStore{st})
	for _, enc := range []string{"", "gzip"} {
		// The review page puts a token in the session, so the session must be saved.
		r := do(srv, http.MethodGet, "/purchase/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1",
			http.Header{"Accept-Encoding": {enc}}, nil)
		body := r.Body.String()
		if enc == "gzip" {
			body = gunzip(t, r.Body.Bytes())
		}
		if r.Code != http.StatusServiceUnavailable {
			t.Errorf("encoding %q: %d, want 503", enc, r.Code)
		}
		if n := strings.Count(strings.ToLower(body), "<!doctype html>"); n != 1 {
			t.Errorf("encoding %q: %d pages in the answer, want 1", enc, n)
		}
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
