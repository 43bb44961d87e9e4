package web

import (
	"bytes"
	"log/slog"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionDeadline has nanoseconds and a zone offset, which the deadline must keep.
var sessionDeadline = time.Date(2026, 12, 26, 10, 30, 15, 123456789, time.FixedZone("UTC+8", 8*3600))

// consoleSessions are sessions as the console keeps them: strings and int64s.
var consoleSessions = []map[string]any{
	{},
	{"owner": "QXK2FJ7WZ4M3TQ6PNBVR5YH2LA", "seen": int64(1795000000)},
	{"owner": "o", "seen": int64(1795000000), "rep": "usr_4NQ7", "review:ssm:" + strings.Repeat("k", 300): "tok"},
	{"": "", "neg": int64(-1), "min": int64(math.MinInt64), "max": int64(math.MaxInt64), "zero": int64(0)},
	{"名前": "Zoë · 价格 \x00 \xff", "long": strings.Repeat("x", 70000)},
}

// offset is a time's zone offset: what the binary form of a time keeps of its zone,
// as gob does.
func offset(t time.Time) int {
	_, off := t.Zone()
	return off
}

func TestSessionCodecKeepsWhatTheConsoleStores(t *testing.T) {
	for _, values := range consoleSessions {
		b, err := sessionCodec{}.Encode(sessionDeadline, values)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != sessionFormat {
			t.Errorf("%d values written by gob, want our form", len(values))
		}
		deadline, got, err := decodeSession(b)
		if err != nil {
			t.Fatalf("%d values: %v", len(values), err)
		}
		if !deadline.Equal(sessionDeadline) || offset(deadline) != offset(sessionDeadline) {
			t.Errorf("deadline %v, want %v", deadline, sessionDeadline)
		}
		if !reflect.DeepEqual(got, values) {
			t.Errorf("values %v, want %v", got, values)
		}
	}
}

// Sessions saved before this codec were gob's: they must still open, or every buyer
// would lose "My orders" on the upgrade.
func TestSessionCodecReadsSessionsSavedByGob(t *testing.T) {
	for _, values := range consoleSessions {
		b, err := scs.GobCodec{}.Encode(sessionDeadline, values)
		if err != nil {
			t.Fatal(err)
		}
		deadline, got, err := decodeSession(b)
		if err != nil {
			t.Fatalf("%d values: %v", len(values), err)
		}
		if !deadline.Equal(sessionDeadline) || !reflect.DeepEqual(got, values) {
			t.Errorf("gob session read as %v %v, want %v %v", deadline, got, sessionDeadline, values)
		}
	}
}

func TestSessionCodecWritesOtherTypesWithGob(t *testing.T) {
	values := map[string]any{"owner": "o", "flag": true, "n": 3, "share": 0.5}
	b, err := sessionCodec{}.Encode(sessionDeadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] == sessionFormat {
		t.Fatal("a bool, an int and a float written in our form, which holds only strings and int64s")
	}
	_, got, err := decodeSession(b)
	if err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("read back %v (%v), want %v", got, err, values)
	}
}

// With -gob-sessions every session is written in gob, which consoles older than the
// codec read, and still read back.
func TestSessionCodecWritesGobWhenAsked(t *testing.T) {
	values := consoleSessions[1]
	b, err := sessionCodec{gob: true}.Encode(sessionDeadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := (scs.GobCodec{}).Decode(b); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("gob reads %v (%v), want %v", got, err, values)
	}
	if _, got, err := decodeSession(b); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("read back %v (%v), want %v", got, err, values)
	}
}

// A session that cannot be read starts afresh, with a warning: refused, it would
// answer 503 to its browser until it expired.
func TestAnUnreadableSessionStartsAfresh(t *testing.T) {
	var logs bytes.Buffer
	c := sessionCodec{lifetime: time.Hour, log: slog.New(slog.NewTextHandler(&logs, nil))}
	deadline, values, err := c.Decode([]byte{sessionFormat, 2, 9, 9, 0})
	if err != nil || len(values) != 0 || time.Until(deadline) < 59*time.Minute {
		t.Errorf("got %v %v %v, want an empty session with an hour to live", deadline, values, err)
	}
	if !strings.Contains(logs.String(), "session data could not be read") {
		t.Errorf("no warning logged: %q", logs.String())
	}
	// The zero codec logs to the default logger rather than panic.
	if _, values, err := (sessionCodec{}).Decode([]byte{sessionFormat, 2, 9, 9, 0}); err != nil || len(values) != 0 {
		t.Errorf("the zero codec: %v %v, want an empty session", values, err)
	}
}

func TestSessionCodecRefusesDamagedData(t *testing.T) {
	b, err := sessionCodec{}.Encode(sessionDeadline, consoleSessions[2])
	if err != nil {
		t.Fatal(err)
	}
	// Cut anywhere after the format byte: never a session, never a panic.
	for i := 1; i < len(b); i++ {
		if _, v, err := decodeSession(b[:i]); err == nil {
			t.Fatalf("the first %d of %d bytes read as %v", i, len(b), v)
		}
	}
	one, _ := sessionCodec{}.Encode(sessionDeadline, map[string]any{"k": "v"})
	kind := len(one) - 3 // ... key "k", kind 's', length 1, "v"
	if one[kind] != kindString {
		t.Fatalf("test's layout is off: %q", one)
	}
	bad := map[string][]byte{
		"a byte after the end": append(append([]byte{}, one...), 0),
		"an unknown kind":      append(append(append([]byte{}, one[:kind]...), 'x'), one[kind+1:]...),
		"a bad deadline":       {sessionFormat, 2, 9, 9, 0},
	}
	for name, b := range bad {
		if _, v, err := decodeSession(b); err == nil {
			t.Errorf("%s: read as %v", name, v)
		}
	}
	// A count of a million values in a few bytes is refused before a map is made for
	// them (about 80 MB).
	huge := append(append([]byte{}, one[:2+one[1]]...), 0x80, 0x80, 0x40)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, v, err := decodeSession(huge)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Errorf("a count of a million read as %v", v)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("a count of a million in %d bytes allocated %d bytes", len(huge), n)
	}
}

// FuzzSessionCodec: whatever the store gives back, Decode answers without a panic,
// and a session it reads in our form is written and read again the same.
func FuzzSessionCodec(f *testing.F) {
	for _, values := range consoleSessions[:4] {
		b, _ := sessionCodec{}.Encode(sessionDeadline, values)
		f.Add(b)
		g, _ := scs.GobCodec{}.Encode(sessionDeadline, values)
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		deadline, values, err := decodeSession(b)
		if err != nil || len(b) == 0 || b[0] != sessionFormat {
			return
		}
		again, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		d2, v2, err := decodeSession(again)
		if err != nil || !d2.Equal(deadline) || !reflect.DeepEqual(v2, values) {
			t.Fatalf("read %v %v, written and read again %v %v (%v)", deadline, values, d2, v2, err)
		}
	})
}

// BenchmarkSessionCodec: a buyer's session as the order load has it, read and
// written by gob and by sessionCodec.
func BenchmarkSessionCodec(b *testing.B) {
	values := map[string]any{"owner": "QXK2FJ7WZ4M3TQ6PNBVR5YH2LA", "seen": int64(1795000000),
		"review:ssm:3f1c9a": "MZ3Q7KX2PLW4TN6RB5YV8HCJDA"}
	for _, c := range []struct {
		name  string
		codec scs.Codec
	}{{"gob", scs.GobCodec{}}, {"console", sessionCodec{}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				data, err := c.codec.Encode(sessionDeadline, values)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := c.codec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
