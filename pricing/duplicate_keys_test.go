package pricing

import (
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
