package web

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores a session's deadline and values for the session store. The
// console keeps only strings and int64s in a session (the owner key, review tokens,
// the signed-in rep, the time of last use), and those are written in a small binary
// form of our own. A session holding any other type is written by gob, scs's default,
// as before; with gob set, every session is (for consoles older than this codec,
// which read gob only: see -gob-sessions in docs/operations.md).
//
// Why not gob for all: gob sends its type descriptions with every session and a
// decoder compiles them every time, which under the order load was a tenth of the
// console's CPU an order. Sessions written by gob before this codec still decode.
//
// A session that cannot be read at all (damaged, or written by a later console in a
// form this one does not know) is logged and started afresh, not refused: refusing it
// would answer 503 to its browser on every request until it expired.
type sessionCodec struct {
	gob      bool
	lifetime time.Duration // of a session started afresh
	log      *slog.Logger
}

// Our form: sessionFormat, the deadline (a length byte and time.Time's binary form),
// the number of values, then each value's key, kind and value. Lengths and numbers
// are varints. A gob stream never starts with a zero byte (it starts with the length
// of its first message), which is how Decode tells the two apart.
const (
	sessionFormat = 0x00
	kindString    = 's'
	kindInt64     = 'i'
)

var errSessionData = errors.New("session data is damaged")

func (c sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	if c.gob {
		return scs.GobCodec{}.Encode(deadline, values)
	}
	for _, v := range values {
		switch v.(type) {
		case string, int64:
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	b := make([]byte, 0, 64)
	b = append(b, sessionFormat, 0)
	b, err := deadline.AppendBinary(b)
	if err != nil {
		return nil, err
	}
	b[1] = byte(len(b) - 2)
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendSessionString(b, k)
		switch v := v.(type) {
		case string:
			b = appendSessionString(append(b, kindString), v)
		case int64:
			b = binary.AppendVarint(append(b, kindInt64), v)
		}
	}
	return b, nil
}

func appendSessionString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func (c sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	deadline, values, err := decodeSession(b)
	if err != nil {
		log := c.log
		if log == nil { // the zero codec
			log = slog.Default()
		}
		log.Warn("session data could not be read; the session starts afresh", "err", err, "bytes", len(b))
		return time.Now().Add(c.lifetime), map[string]any{}, nil
	}
	return deadline, values, nil
}

// decodeSession reads a session in our form or in gob's.
func decodeSession(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != sessionFormat {
		return scs.GobCodec{}.Decode(b)
	}
	d := sessionDecoder{b: b[1:]}
	var deadline time.Time
	if err := deadline.UnmarshalBinary(d.bytes(d.byte())); err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: deadline: %v", errSessionData, err)
	}
	n := d.uvarint()
	// Each value takes at least three bytes: a bound on what damaged data can allocate.
	if n > uint64(len(d.b))/3 {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := string(d.bytes(d.uvarint()))
		switch d.byte() {
		case kindString:
			values[k] = string(d.bytes(d.uvarint()))
		case kindInt64:
			values[k] = d.varint()
		default:
			d.bad = true
		}
		if d.bad {
			break
		}
	}
	if d.bad || len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// sessionDecoder reads our form; once anything is missing, bad is set and every read
// gives zero.
type sessionDecoder struct {
	b   []byte
	bad bool
}

func (d *sessionDecoder) byte() uint64 {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return uint64(c)
}

func (d *sessionDecoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *sessionDecoder) varint() int64 { return readVarint(d, binary.Varint) }

// readVarint reads one varint with read (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](d *sessionDecoder, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) bytes(n uint64) []byte {
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}
