package storetest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// testSessionManager runs the session store the way the web layer will: behind an
// scs.SessionManager (which prefers the Ctx methods where a store has them) over HTTP.
func testSessionManager(t *testing.T, db database) {
	s := db.open(t)
	sm := scs.New()
	sm.Store = s.SessionStore()
	sm.Lifetime = time.Hour
	sm.HashTokenInStore = true

	mux := http.NewServeMux()
	mux.HandleFunc("PUT /cart", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "cart", "2 x SSM Standard")
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, sm.GetString(r.Context(), "cart"))
	})
	mux.HandleFunc("DELETE /cart", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	srv := httptest.NewServer(sm.LoadAndSave(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	do := func(method string) string {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+"/cart", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s /cart: %s %s", method, resp.Status, b)
		}
		return string(b)
	}
	do("PUT")
	if got := do("GET"); got != "2 x SSM Standard" {
		t.Errorf("cart in the next request = %q", got)
	}
	do("DELETE")
	if got := do("GET"); got != "" {
		t.Errorf("cart after the session was destroyed = %q", got)
	}
}
