package pricing

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// duplicateKey returns a key that one object of data (valid JSON) has twice, and
// whether there is one. encoding/json keeps the last of duplicate keys in silence,
// and matches field names in any case, while another reader of the same request (a
// proxy, a log, the caller's own tools) may keep the first: a request that says one
// thing twice is refused rather than read one way here and another way there. Keys
// are compared after unescaping and in any case (as bytes.EqualFold, which
// encoding/json uses).
func duplicateKey(data []byte) (string, bool) {
	var sc keyScanner
	return sc.scan(data)
}

// keyScanner walks valid JSON byte by byte, without a tokenizer: the check used to go
// through json.Decoder.Token, which allocated for every token and cost an eighth of
// the quote API's time. The keys of the objects still open are kept folded, end to
// end, in keys; each open object records where its keys start.
type keyScanner struct {
	keys    []string // folded keys of the open objects, innermost last
	objects []scope  // open objects and arrays, innermost last
	fold    []byte   // scratch for folding an ASCII key
}

type scope struct {
	object bool
	first  int                 // index in keys of this object's first key
	set    map[string]struct{} // its keys, once there are many of them
}

// manyKeys: an object with more keys than this is checked with a map, so that a
// hostile body of a million keys is not compared pairwise.
const manyKeys = 16

func (sc *keyScanner) scan(data []byte) (string, bool) {
	wantKey := false // the next string in the innermost object is a key
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			sc.objects = append(sc.objects, scope{object: true, first: len(sc.keys)})
			wantKey = true
		case '[':
			sc.objects = append(sc.objects, scope{})
			wantKey = false
		case '}', ']':
			top := sc.objects[len(sc.objects)-1]
			if top.object {
				sc.keys = sc.keys[:top.first]
			}
			sc.objects = sc.objects[:len(sc.objects)-1]
		case ',':
			wantKey = len(sc.objects) > 0 && sc.objects[len(sc.objects)-1].object
		case '"':
			end, escaped := stringEnd(data, i)
			if wantKey {
				if key, dup := sc.add(data[i:end+1], escaped); dup {
					return key, true
				}
				wantKey = false
			}
			i = end
		}
	}
	return "", false
}

// stringEnd returns the index of the quote closing the string that opens at start,
// and whether the string holds an escape or a byte outside ASCII.
func stringEnd(data []byte, start int) (int, bool) {
	special := false
	for i := start + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\\':
			special = true
			i++ // the escaped byte: never the closing quote
		case c == '"':
			return i, special
		case c >= utf8.RuneSelf:
			special = true
		}
	}
	return len(data) - 1, special // not reached for valid JSON
}

// add records the key quoted (with its quotes) in the innermost object; it returns the
// key as the decoder reads it when the object has it already.
func (sc *keyScanner) add(quoted []byte, special bool) (string, bool) {
	var key, folded string
	if special {
		if err := json.Unmarshal(quoted, &key); err != nil {
			return "", false // not reached for valid JSON
		}
		folded = strings.Map(foldRune, key)
	} else {
		// ASCII: the least rune that folds to a letter is its capital.
		raw := quoted[1 : len(quoted)-1]
		sc.fold = append(sc.fold[:0], raw...)
		for j, c := range sc.fold {
			if 'a' <= c && c <= 'z' {
				sc.fold[j] = c - 'a' + 'A'
			}
		}
		if sc.seen(sc.fold) {
			return string(raw), true
		}
		folded = string(sc.fold)
	}
	if special && sc.seen([]byte(folded)) {
		return key, true
	}
	top := &sc.objects[len(sc.objects)-1]
	sc.keys = append(sc.keys, folded)
	if top.set != nil {
		top.set[folded] = struct{}{}
	} else if n := len(sc.keys) - top.first; n > manyKeys {
		top.set = make(map[string]struct{}, 2*n)
		for _, k := range sc.keys[top.first:] {
			top.set[k] = struct{}{}
		}
	}
	return "", false
}

// seen reports whether the innermost object has the folded key already.
func (sc *keyScanner) seen(folded []byte) bool {
	top := sc.objects[len(sc.objects)-1]
	if top.set != nil {
		_, ok := top.set[string(folded)]
		return ok
	}
	for _, k := range sc.keys[top.first:] {
		if k == string(folded) {
			return true
		}
	}
	return false
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
