package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeAndCompute feeds arbitrary bytes through the JSON decoder and the engine:
// it must never panic, and it answers a quote, a malformed-input error or a
// validation error, nothing else. A quote must have no negative amount and must
// encode to JSON.
func FuzzDecodeAndCompute(f *testing.F) {
	for _, seed := range []string{
		`{"items": [{"product": "ssm_legacy", "region": "ap-beijing", "credentials": 100, "api_calls": 60000}]}`,
		`{"items": [{"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": 2500, "qps_units": 2, "billing": "annual", "term_months": 12}]}`,
		`{"items": [{"product": "kms", "region": "ap-guangzhou", "customer_keys": 10, "managed_keys": 2, "pending_deletion_keys": 1, "api_calls": 125000, "days": 30}]}`,
		`{"items": [{"product": "kms", "region": "ap-tokyo", "api_calls": 1e40, "days": 0.5}]}`,
		`{"items": [{"product": "ssm", "credentials": "-1", "billing": 3}]}`,
		`{"items": []}`,
		`{"items": [`,
		`[]`,
		`{"items": [{"product": "kms", "region": "ap-tokyo"}]} x`,
	} {
		f.Add([]byte(seed))
	}
	b := mustBook(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := DecodeRequest(bytes.NewReader(data))
		if err != nil {
			if !IsMalformed(err) {
				t.Fatalf("decode error of an unexpected kind: %T %v", err, err)
			}
			return
		}
		q, err := Compute(b, req)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("compute error of an unexpected kind: %T %v", err, err)
			}
			return
		}
		if q.Totals.Monthly.IsNegative() || q.Totals.Upfront.IsNegative() {
			t.Fatalf("negative totals %+v", q.Totals)
		}
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("quote does not encode: %v", err)
		}
	})
}
