package pricing

// The fast decoder. Decoding a quote request with encoding/json (into maps of raw
// values, each value parsed again, then the duplicate-key scan) was a fifth of the
// quote API's CPU. Nearly every request has one plain shape:
//
//	{"items": [{"product": "ssm", "region": "ap-tokyo", "credentials": 2500}, ...]}
//
// with known keys, once each, whose values are strings without escapes or non-ASCII
// bytes, integers or null. decodeRequestFast reads that shape in one pass and gives
// up (ok false) at the first byte of anything else: DecodeRequest then reads the
// request with encoding/json, so every other request, and every malformed one, gets
// exactly the answer and the message it always had. FuzzDecodeFastAgreesWithStrict
// holds the two decoders to the same result wherever the fast one answers.

// fastDecoder walks data; i is the next byte.
type fastDecoder struct {
	data []byte
	i    int
}

func decodeRequestFast(data []byte) (Request, bool) {
	d := fastDecoder{data: data}
	if !d.byte('{') || !d.literal(`"items"`) || !d.byte(':') || !d.byte('[') {
		return Request{}, false
	}
	req := Request{Items: []Item{}}
	for more := !d.empty(']'); more; {
		it, ok := d.item()
		if !ok {
			return Request{}, false
		}
		req.Items = append(req.Items, it)
		if more, ok = d.next(']'); !ok {
			return Request{}, false
		}
	}
	if !d.byte('}') {
		return Request{}, false
	}
	d.space()
	return req, d.i == len(d.data)
}

// item reads one object of known fields.
func (d *fastDecoder) item() (Item, bool) {
	var (
		values [len(fieldOrder)]Value
		seen   [len(fieldOrder)]bool
		names  = make([]string, 0, 8)
	)
	if !d.byte('{') {
		return Item{}, false
	}
	for more := !d.empty('}'); more; {
		key, ok := d.plainString()
		if !ok {
			return Item{}, false
		}
		f := fieldIndex(key)
		if f < 0 || seen[f] || !d.byte(':') {
			return Item{}, false // unknown or repeated: the strict decoder says which
		}
		seen[f] = true
		names = append(names, fieldOrder[f])
		if values[f], ok = d.value(); !ok {
			return Item{}, false
		}
		if more, ok = d.next('}'); !ok {
			return Item{}, false
		}
	}
	get := func(name string) Value {
		if f := fieldIndex(name); f >= 0 {
			return values[f]
		}
		return Value{}
	}
	return itemFromJSON(get, names), true
}

// value reads a string, an integer or null (which counts as left out).
func (d *fastDecoder) value() (Value, bool) {
	d.space()
	if d.i >= len(d.data) {
		return Value{}, false
	}
	switch c := d.data[d.i]; {
	case c == '"':
		s, ok := d.plainString()
		return Value{Text: s, Present: true, Kind: "string"}, ok
	case c == '-' || '0' <= c && c <= '9':
		start := d.i
		if c == '-' {
			d.i++
		}
		digits := d.i
		for d.i < len(d.data) && '0' <= d.data[d.i] && d.data[d.i] <= '9' {
			d.i++
		}
		n := d.i - digits
		if n == 0 || n > 1 && d.data[digits] == '0' {
			return Value{}, false // not JSON ("-", "01"): the strict decoder says so
		}
		if d.i < len(d.data) {
			if c := d.data[d.i]; c == '.' || c == 'e' || c == 'E' {
				return Value{}, false // a fraction or an exponent: left to the strict decoder
			}
		}
		return Value{Text: string(d.data[start:d.i]), Present: true, Kind: "number"}, true
	case c == 'n':
		return Value{}, d.literal("null")
	}
	return Value{}, false
}

// plainString reads a string of printable ASCII without escapes.
func (d *fastDecoder) plainString() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start := d.i
	for ; d.i < len(d.data); d.i++ {
		switch c := d.data[d.i]; {
		case c == '"':
			s := string(d.data[start:d.i])
			d.i++
			return s, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
	}
	return "", false
}

// empty reads close if it comes next: an empty array or object.
func (d *fastDecoder) empty(close byte) bool {
	if d.peek() == close {
		d.i++
		return true
	}
	return false
}

// next reads what follows an element of an array or object: a comma (more is true,
// another element comes) or close (more is false); ok is false for anything else.
func (d *fastDecoder) next(close byte) (more, ok bool) {
	if d.peek() == ',' {
		d.i++
		return true, true
	}
	return false, d.byte(close)
}

// byte skips white space and reads c.
func (d *fastDecoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return true
	}
	return false
}

// literal skips white space and reads s.
func (d *fastDecoder) literal(s string) bool {
	d.space()
	if len(d.data)-d.i >= len(s) && string(d.data[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// peek skips white space and returns the next byte (0 at the end).
func (d *fastDecoder) peek() byte {
	d.space()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

func (d *fastDecoder) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// fieldIndex is name's place in fieldOrder, or -1.
func fieldIndex(name string) int {
	for i, f := range fieldOrder {
		if f == name {
			return i
		}
	}
	return -1
}
