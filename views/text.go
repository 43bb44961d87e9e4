package views

import (
	"context"
	"io"
	"strings"
)

// Text is a string shown as text: @Text(s) writes what { s } writes, s with its HTML
// special characters escaped, for less. templ passes every { s } through fmt.Sprint
// (a copy and two allocations) and then html.EscapeString (a third copy when s has a
// character to escape); Text escapes s straight into the page. It is used where a page
// shows many strings: the quote's lines, the region table, the fields.
type Text string

// textEscapes are the characters html.EscapeString (and so templ) escapes, with the
// same entities.
const textEscapes = `&'<>"`

// Render writes t escaped.
func (t Text) Render(_ context.Context, w io.Writer) error {
	s := string(t)
	for {
		i := strings.IndexAny(s, textEscapes)
		if i < 0 {
			_, err := io.WriteString(w, s)
			return err
		}
		if _, err := io.WriteString(w, s[:i]); err != nil {
			return err
		}
		var entity string
		switch s[i] {
		case '&':
			entity = "&amp;"
		case '\'':
			entity = "&#39;"
		case '<':
			entity = "&lt;"
		case '>':
			entity = "&gt;"
		default: // '"'
			entity = "&#34;"
		}
		if _, err := io.WriteString(w, entity); err != nil {
			return err
		}
		s = s[i+1:]
	}
}
