package pricing

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDuplicateKeysAreRefusedInAnyObjectAndAnyCase(t *testing.T) {
	for _, tc := range []struct {
		json, key string // key "" for none
	}{
		{`{"items": [{"product": "kms"}, {"product": "ssm"}]}`, ""}, // one key in two objects
		{`{"a": {"b": 1}, "b": 2}`, ""},                             // one key at two depths
		{`{"a": [1, {"a": 2}], "b": "a"}`, ""},                      // a value equal to a key
		{`[{"a": 1, "b": 2}, {"a": 1, "b": 2}]`, ""},
		{`{"items": [], "items": []}`, "items"},
		{`{"items": [], "Items": []}`, "Items"},
		{`{"items": [{"days": 1, "days": 2}]}`, "days"},
		{`{"items": [{"days": 1, "d\u0061ys": 2}]}`, "days"}, // escaped, the same key
		{`{"items": [{"api_calls": [], "API_CALLS": 1}]}`, "API_CALLS"},
		{`{"kind": 1, "\u212Aind": 2}`, "\u212Aind"},            // the Kelvin sign folds to k
		{`{"a": {"x": [{}], "y": {"z": [1, 2]}, "x": 3}}`, "x"}, // after nested values
	} {
		key, dup := duplicateKey([]byte(tc.json))
		if dup != (tc.key != "") || key != tc.key {
			t.Errorf("%s: %q %v, want %q", tc.json, key, dup, tc.key)
		}
		if tc.key != "" && strings.HasPrefix(tc.json, `{"items"`) { // a request
			_, err := DecodeRequest(strings.NewReader(tc.json))
			if !IsMalformed(err) || !strings.Contains(err.Error(), "twice") {
				t.Errorf("%s: DecodeRequest says %v", tc.json, err)
			}
		}
	}
}

// duplicateKeyByTokens is the check as it was first written, on json.Decoder.Token:
// slow, and plainly right. FuzzDuplicateKeyAgreesWithTheTokenizer holds the scanner to
// it.
func duplicateKeyByTokens(data []byte) (string, bool) {
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

// The scanner and the tokenizer find the same duplicate, or none, in any valid JSON.
func FuzzDuplicateKeyAgreesWithTheTokenizer(f *testing.F) {
	for _, s := range []string{
		`{"items": [{"product": "kms"}, {"product": "ssm"}]}`,
		`{"items": [], "Items": []}`,
		`{"items": [{"days": 1, "d\u0061ys": 2}]}`,
		`{"kind": 1, "\u212Aind": 2}`,
		`{"ſ": 1, "S": 2}`,
		`{"a": {"x": [{}], "y": {"z": [1, 2]}, "x": 3}}`,
		`{"a\"b": "x\\", "A\"B": 1}`,
		`[{"a": 1}, {"a": 1}, "a", ["a", "a"]]`,
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"K3":3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		gotKey, got := duplicateKey(data)
		wantKey, want := duplicateKeyByTokens(data)
		if got != want || gotKey != wantKey {
			t.Errorf("%q: scanner says %q %v, tokenizer %q %v", data, gotKey, got, wantKey, want)
		}
	})
}
