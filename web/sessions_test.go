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
	"github.com/alexedwards/scs/v2/memstore"

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

// unreadableSessions is a session store that cannot be read, as when its database
// is down.
type unreadableSessions struct{ scs.Store }

func (unreadableSessions) Find(string) ([]byte, bool, error) {
	return nil, false, errors.New("connection refused")
}

type sessionsDownStore struct{ store.Store }

func (s sessionsDownStore) SessionStore() scs.Store {
	return unreadableSessions{s.Store.SessionStore()}
}

// TestASessionThatCannotBeReadOnTheAPIGetsAJSON503: the rep's orders API loads the
// session; when that fails, the answer is the API's JSON error, not the 503 page.
func TestASessionThatCannotBeReadOnTheAPIGetsAJSON503(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	book, st := newTestStore(t, log, "")
	srv := newServerWith(t, log, book, sessionsDownStore{st})
	r := do(srv, http.MethodGet, "/api/v1/orders", http.Header{"Cookie": {"console_session=abc"}}, nil)
	if r.Code != http.StatusServiceUnavailable || r.Header().Get("Retry-After") == "" {
		t.Fatalf("%d, Retry-After %q; want 503 with it", r.Code, r.Header().Get("Retry-After"))
	}
	apiErrors(t, r.Code, r.Header(), r.Body.Bytes())
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

// countingSessions counts the saves of a session store.
type countingSessions struct {
	scs.Store
	commits *int
}

func (c countingSessions) Commit(token string, b []byte, expiry time.Time) error {
	*c.commits++
	return c.Store.Commit(token, b, expiry)
}

// idleTestServer serves /put (puts a value), /get (reads it) and /age (makes the
// session's last use eight days old) through the console's session middleware.
func idleTestServer(t *testing.T, commits *int) http.Handler {
	m := NewSessions(countingSessions{memstore.New(), commits}, SessionOptions{}, func(w http.ResponseWriter, r *http.Request, err error) {
		t.Errorf("session error: %v", err)
	})
	s := &Server{sessions: m}
	mux := http.NewServeMux()
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) { m.Put(r.Context(), "k", "v") })
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, m.GetString(r.Context(), "k")) })
	mux.HandleFunc("/age", func(w http.ResponseWriter, r *http.Request) {
		m.Put(r.Context(), seenKey, time.Now().Add(-8*24*time.Hour).Unix())
	})
	return s.loadAndSave(mux)
}

func TestASessionIsSavedWhenChangedAndItsUseOnceAnHour(t *testing.T) {
	commits := 0
	h := idleTestServer(t, &commits)
	put := do(h, http.MethodGet, "/put", nil, nil)
	cookie := http.Header{"Cookie": {put.Result().Cookies()[0].String()}}
	if commits != 1 {
		t.Fatalf("%d saves after a change, want 1", commits)
	}
	if body := do(h, http.MethodGet, "/get", cookie, nil).Body.String(); body != "v" {
		t.Fatalf("the session holds %q", body)
	}
	if commits != 2 {
		t.Fatalf("%d saves after the first use, want 2 (its use recorded)", commits)
	}
	for range 5 {
		do(h, http.MethodGet, "/get", cookie, nil)
	}
	if commits != 2 {
		t.Errorf("%d saves after 5 reads within the hour, want still 2", commits)
	}
	// A request without a session makes none.
	do(h, http.MethodGet, "/get", nil, nil)
	if commits != 2 {
		t.Errorf("%d saves after a request without a session, want 2", commits)
	}
}

func TestASessionIdleForOverAWeekEnds(t *testing.T) {
	commits := 0
	h := idleTestServer(t, &commits)
	cookie := http.Header{"Cookie": {do(h, http.MethodGet, "/put", nil, nil).Result().Cookies()[0].String()}}
	do(h, http.MethodGet, "/age", cookie, nil)
	if body := do(h, http.MethodGet, "/get", cookie, nil).Body.String(); body != "" {
		t.Errorf("a session idle for eight days still holds %q", body)
	}
}

// TestADamagedSessionStartsAfreshRatherThanRefusingItsBrowser: a stored session that
// cannot be read (damaged, or written by a later console in a form this one does not
// know) is a fresh session, not a 503 on every request until it expires.
func TestADamagedSessionStartsAfreshRatherThanRefusingItsBrowser(t *testing.T) {
	st := memstore.New()
	if err := st.Commit("damagedtoken", []byte{0, 2, 9, 9, 0}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	m := NewSessions(st, SessionOptions{Log: slog.New(slog.DiscardHandler)}, func(w http.ResponseWriter, r *http.Request, err error) {
		t.Errorf("session error: %v", err)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "owner="+m.GetString(r.Context(), "owner"))
	}))
	w := do(h, http.MethodGet, "/", http.Header{"Cookie": {"console_session=damagedtoken"}}, nil)
	if w.Code != http.StatusOK || w.Body.String() != "owner=" {
		t.Errorf("%d %q, want 200 and an empty session", w.Code, w.Body.String())
	}
}
