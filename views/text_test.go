package views

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
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

// TestTextIsAlwaysAWholeElementContent: templ drops the spaces around a component call,
// so "Total @Text(x)" would render "Totalx". Every @Text in the templates must be the
// whole content of its element, as in <td>@Text(x)</td>; mixed with other text, use
// { x }.
func TestTextIsAlwaysAWholeElementContent(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	call := regexp.MustCompile(`@Text\((?:[^()]|\([^()]*\))*\)`)
	uses := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range call.FindAllStringIndex(line, -1) {
				uses++
				if !strings.HasSuffix(line[:m[0]], ">") || !strings.HasPrefix(line[m[1]:], "</") {
					t.Errorf("%s:%d: %s is not the whole content of its element", f, i+1, line[m[0]:m[1]])
				}
			}
		}
	}
	if uses == 0 {
		t.Error("no @Text found: is the pattern still right?")
	}
}
