package pricing

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
)

// duplicateKey returns a key that one object of data (valid JSON) has twice, and
// whether there is one. encoding/json keeps the last of duplicate keys in silence,
// and matches field names in any case, while another reader of the same request (a
// proxy, a log, the caller's own tools) may keep the first: a request that says one
// thing twice is refused rather than read one way here and another way there. Keys
// are compared after unescaping and in any case (as bytes.EqualFold, which
// encoding/json uses).
func duplicateKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type object struct {
		keys    map[string]bool
		wantKey bool
	}
	var stack []*object // nil for an array
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end; data was decoded already, so never a syntax error
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &object{keys: map[string]bool{}, wantKey: true})
				continue
			case '[':
				stack = append(stack, nil)
				continue
			}
			stack = stack[:top] // a value ends: the enclosing object's key
		case string:
			if top >= 0 && stack[top] != nil && stack[top].wantKey {
				key := strings.Map(foldRune, t)
				if stack[top].keys[key] {
					return t, true
				}
				stack[top].keys[key] = true
				stack[top].wantKey = false
				continue
			}
		}
		if top = len(stack) - 1; top >= 0 && stack[top] != nil {
			stack[top].wantKey = true // a value ended: a key comes next
		}
	}
}

// foldRune maps a rune to the least rune that folds to it, so that two keys are
// equal after mapping exactly when bytes.EqualFold says they are ("K", "k" and the
// Kelvin sign alike).
func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
