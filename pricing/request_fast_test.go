package pricing

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

var fastSeeds = []string{
	`{"items": [{"product": "ssm_legacy", "region": "ap-beijing", "credentials": 100, "api_calls": 60000}]}`,
	`{"items": [{"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": 2500, "qps_units": 2, "billing": "annual", "term_months": 12}]}`,
	`{"items": [{"product": "kms", "region": "ap-guangzhou", "customer_keys": 10, "managed_keys": 2, "pending_deletion_keys": 1, "api_calls": 125000, "days": 30}]}`,
	"{\n  \"items\": [\n    {\"product\": \"kms\", \"region\": \"ap-tokyo\", \"days\": null, \"credentials\": 5},\n    {}\n  ]\n}\n",
	`{"items":[{"product":"ssm","credentials":"2,500","qps_units":-0,"billing":"weekly"},{"product":7},{"product":"nope","days":99}]}`,
	`{"items": []}`,
	`{"items": [{"product": "kms", "days": 01}]}`,
	`{"items": [{"product": "kms", "days": 1.0}]}`,
	`{"items": [{"product": "kms", "region": "ap-t\u006fkyo"}]}`,
	`{"items": [{"product": "kms", "Days": 1}]}`,
	`{"items": [{"product": "kms", "days": 1, "days": 2}]}`,
	`{"ITEMS": [{"product": "kms"}]}`,
	`{"items": [{"product": "kms"}], "items": []}`,
	`{"items": [{"product": "kms"}]} x`,
	`{"items": [{"product": true}]}`,
	`{"items": null}`,
}

// Where the fast decoder answers, the strict one gives the same request; where it
// does not, the strict one has the last word.
func FuzzDecodeFastAgreesWithStrict(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := decodeRequestFast(data)
		if !ok {
			return
		}
		strict, err := decodeRequestStrict(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%q: the fast decoder took it, the strict one says %v", data, err)
		}
		if !reflect.DeepEqual(fast, strict) {
			t.Fatalf("%q:\nfast   %+v\nstrict %+v", data, fast, strict)
		}
	})
}

// The requests people send take the fast path (else the speed-up is gone in
// silence), and the others still get the strict decoder's answer.
func TestDecodeRequestTakesTheFastPathForPlainRequests(t *testing.T) {
	for _, s := range fastSeeds[:6] {
		if _, ok := decodeRequestFast([]byte(s)); !ok {
			t.Errorf("not taken by the fast decoder: %s", s)
		}
	}
	for _, s := range fastSeeds[6:] {
		if _, ok := decodeRequestFast([]byte(s)); ok {
			t.Errorf("taken by the fast decoder, though it is not plain: %s", s)
		}
		_, strictErr := decodeRequestStrict(bytes.NewReader([]byte(s)))
		_, err := DecodeRequest(bytes.NewReader([]byte(s)))
		if (err == nil) != (strictErr == nil) || err != nil && err.Error() != strictErr.Error() {
			t.Errorf("%s: DecodeRequest says %v, the strict decoder %v", s, err, strictErr)
		}
	}
}

// A body that cannot be read whole fails as the reader failed, as before.
func TestDecodeRequestPassesOnTheReadersError(t *testing.T) {
	boom := errors.New("body too large")
	r := io.MultiReader(bytes.NewReader([]byte(`{"items": [{"product": "kms"`)), errorReader{boom})
	if _, err := DecodeRequest(r); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the reader's", err)
	}
}

// An endless input fails at its first wrong byte, as before: it is not read to the end
// first (the quote command reads standard input, which may never end).
func TestDecodeRequestStopsEarlyOnEndlessInput(t *testing.T) {
	endless := &countingReader{}
	_, err := DecodeRequest(endless)
	if !IsMalformed(err) {
		t.Fatalf("err = %v, want a malformed request", err)
	}
	if endless.n > 4*fastDecodeLimit {
		t.Errorf("read %d bytes of an endless input before answering", endless.n)
	}
}

// countingReader is an endless stream of 'y', counting what was read.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'y'
	}
	c.n += len(p)
	return len(p), nil
}
