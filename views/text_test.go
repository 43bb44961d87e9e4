package views

import (
	"context"
	"html"
	"strings"
	"testing"
)

// Text writes exactly what templ's { s } writes (html.EscapeString), for every
// character that is escaped and for text around, between and without them.
func TestTextEscapesAsTemplDoes(t *testing.T) {
	for _, s := range []string{
		"", "plain", "2,500 credentials → 3 packages × 529", `<script>alert("x")</script>`,
		"&&", "'", `a&b'c<d>e"f`, "<", "tail>", "ü&ß", "\x00&\xff",
	} {
		var b strings.Builder
		if err := Text(s).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if want := html.EscapeString(s); b.String() != want {
			t.Errorf("Text(%q) = %q, want %q", s, b.String(), want)
		}
	}
}
