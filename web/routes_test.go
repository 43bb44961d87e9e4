package web

import (
	"flag"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/routes.txt and testdata/golden) from what the server answers")

// TestRoutesAreTheCommittedList holds routes.go and testdata/routes.txt together, so
// that adding or removing a route shows in review. After a deliberate change:
// go test ./web -run TestRoutesAreTheCommittedList -update
func TestRoutesAreTheCommittedList(t *testing.T) {
	s, _ := newTestServer(t)
	var got []string
	err := chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		got = append(got, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	text := strings.Join(got, "\n") + "\n"

	const file = "testdata/routes.txt"
	if *update {
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Errorf("routes differ from %s (run with -update after a deliberate change)\ngot:\n%swant:\n%s", file, text, want)
	}
}
