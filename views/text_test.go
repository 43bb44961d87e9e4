package views

import (
	"context"
	"html"
	"strings"
	"testing"
)

// Text writes exactly what templ's { s } writes (html.EscapeString): for every byte
// value, alone and between letters, and for strings with escapes around, between and
// without them.
func TestTextEscapesAsTemplDoes(t *testing.T) {
	var cases []string
	for _, s := range []string{
		"", "plain", "2,500 credentials → 3 packages × 529", `<script>alert("x")</script>`,
		"&&", "'", `a&b'c<d>e"f`, "<", "tail>", "ü&ß", "\x00&\xff",
	} {
		cases = append(cases, s)
	}
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"z")
	}
	for _, s := range cases {
		var b strings.Builder
		if err := Text(s).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if want := html.EscapeString(s); b.String() != want {
			t.Errorf("Text(%q) = %q, want %q", s, b.String(), want)
		}
	}
}
