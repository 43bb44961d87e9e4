package web

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenAnswers are the estimators' answers held byte for byte in testdata/golden,
// with their status and media type: both products, their pages and live fragments,
// errors in each form's fields, markup typed into one, sizing from needs, the old
// billing comparison, and the quote API. A change to how they are built (for speed,
// say) must leave them as they are; a change to what they show rewrites them with
// `go test ./web -run TestAnswersAreUnchanged -update`, and the diff of
// testdata/golden is then the change a reviewer reads. The pages name the static
// files by their content hash, so a change to the CSS or the script rewrites them
// too.
var goldenAnswers = []struct{ name, method, target, body string }{
	{"home", http.MethodGet, "/", ""},
	{"ssm-default", http.MethodGet, "/ssm", ""},
	{"ssm-page", http.MethodGet, "/ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1", ""},
	{"ssm-fragment", http.MethodGet, "/ssm/quote?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1", ""},
	{"ssm-errors", http.MethodGet, "/ssm?region=nowhere&credentials=abc&qps_units=-1&billing=weekly&term=9", ""},
	{"ssm-markup", http.MethodGet, "/ssm/quote?region=%3Cscript%3Ealert(1)%3C%2Fscript%3E&credentials=%22%3E%3Cb%3E&qps_units=1%26x", ""},
	{"ssm-needs", http.MethodGet, "/ssm/quote?needs=1&needs_secrets=5000&needs_qps=3000&region=ap-singapore", ""},
	{"ssm-compare", http.MethodGet, "/ssm?region=ap-beijing&credentials=100&billing=monthly&term=1&compare=1&api_calls=60000", ""},
	{"kms-default", http.MethodGet, "/kms", ""},
	{"kms-page", http.MethodGet, "/kms?region=ap-guangzhou&customer_keys=10&managed_keys=2&pending_deletion_keys=1&api_calls=125000", ""},
	{"kms-fragment", http.MethodGet, "/kms/quote?region=ap-tokyo&customer_keys=10&api_calls=125000", ""},
	{"kms-rate", http.MethodGet, "/kms/quote?region=ap-tokyo&customer_keys=0&api_calls=1&api_calls_unit=second", ""},
	{"kms-errors", http.MethodGet, "/kms?region=nowhere&customer_keys=-1&managed_keys=x&pending_deletion_keys=1.5&api_calls=%3Cb%3E&api_calls_unit=year&days=99", ""},
	{"api-quote", http.MethodPost, "/api/v1/quotes", issueExample},
	{"api-errors", http.MethodPost, "/api/v1/quotes", `{"items":[{"product":"ssm","region":"ap-nowhere","credentials":-5},{"product":"kms","days":0}]}`},
}

// TestAnswersAreUnchanged compares each answer with its golden copy.
func TestAnswersAreUnchanged(t *testing.T) {
	s, _ := newTestServer(t)
	for _, a := range goldenAnswers {
		var header http.Header
		if a.body != "" {
			header = http.Header{"Content-Type": {"application/json"}}
		}
		w := do(s, a.method, a.target, header, strings.NewReader(a.body))
		// The status and the media type on the first line, then the body.
		got := append([]byte(http.StatusText(w.Code)+" "+w.Header().Get("Content-Type")+"\n"), w.Body.Bytes()...)
		ext := ".html"
		if strings.HasPrefix(a.target, "/api/") {
			ext = ".json"
		}
		path := filepath.Join("testdata", "golden", a.name+ext)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to write it)", a.name, err)
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s %s differs from %s at byte %d:\ngot  …%.160s\nwant …%.160s",
				a.method, a.target, path, i, got[max(i-60, 0):], want[max(i-60, 0):])
		}
	}
}
