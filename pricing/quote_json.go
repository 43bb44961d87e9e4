package pricing

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The JSON of a quote, written directly, byte for byte what encoding/json wrote for it
// before (TestQuoteJSONIsUnchanged holds it to that).

// AppendJSON appends the quote's JSON to b: the same bytes as json.Marshal, without
// encoding/json's second pass over what a MarshalJSON method returns, for a caller
// that writes the quote alone (the API).
func (q Quote) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"currency":`...)
	b = appendString(b, q.Currency)
	b = append(b, `,"price_book":{"version":`...)
	b = appendString(b, q.PriceBook.Version)
	b = append(b, `,"effective":`...)
	b = appendString(b, q.PriceBook.Effective)
	b = append(b, `},"items":`...)
	if q.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, it := range q.Items {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = it.appendJSON(b); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"account_lines":`...)
	b = appendLines(b, q.AccountLines)
	b = append(b, `,"totals":`...)
	b = q.Totals.appendJSON(b)
	b = append(b, `,"assumptions":`...)
	b = appendNotices(b, q.Assumptions)
	b = append(b, `,"warnings":`...)
	b = appendNotices(b, q.Warnings)
	b = append(b, `,"settlement":`...)
	b = appendNotices(b, q.Settlement)
	b = append(b, `,"quota_increase_required":`...)
	b = appendBool(b, q.QuotaIncreaseRequired)
	b = append(b, `,"orderable":`...)
	b = appendBool(b, q.Orderable)
	return append(b, '}'), nil
}

func appendLines(b []byte, ls []Line) []byte {
	if ls == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, l := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.appendJSON(b)
	}
	return append(b, ']')
}

func appendNotices(b []byte, ns []Notice) []byte {
	if ns == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = appendString(b, n.Code)
		b = append(b, `,"text":`...)
		b = appendString(b, n.Text)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (l Line) appendJSON(b []byte) []byte {
	b = append(b, `{"description":`...)
	b = appendString(b, l.Description)
	b = append(b, `,"quantity":`...)
	b = appendDecimal(b, l.Quantity)
	b = append(b, `,"unit":`...)
	b = appendString(b, l.Unit)
	b = append(b, `,"unit_price":`...)
	b = appendDecimal(b, l.UnitPrice)
	if l.Note != "" {
		b = append(b, `,"note":`...)
		b = appendString(b, l.Note)
	}
	if l.Formula != "" {
		b = append(b, `,"formula":`...)
		b = appendString(b, l.Formula)
	}
	if l.Source != "" {
		b = append(b, `,"source":`...)
		b = appendString(b, l.Source)
	}
	b = append(b, `,"amount":`...)
	b = appendCents(b, l.Amount)
	return append(b, '}')
}

func (it QuotedItem) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"product":`...)
	b = appendString(b, it.Product)
	b = append(b, `,"name":`...)
	b = appendString(b, it.Name)
	b = append(b, `,"region":`...)
	b = appendString(b, it.Region)
	b = append(b, `,"region_name":`...)
	b = appendString(b, it.RegionName)
	b = append(b, `,"orderable":`...)
	b = appendBool(b, it.Orderable)
	b = append(b, `,"lines":`...)
	b = appendLines(b, it.Lines)
	// The sizing and the input are plain structs of strings and integers: left to
	// encoding/json, which writes them without a second pass.
	if it.SSM != nil {
		ssm, err := json.Marshal(it.SSM)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"ssm":`...)
		b = append(b, ssm...)
	}
	input, err := json.Marshal(it.Input)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"input":`...)
	b = append(b, input...)
	b = append(b, `,"monthly":`...)
	b = appendCents(b, it.Monthly)
	b = append(b, `,"upfront":`...)
	b = appendCents(b, it.Upfront)
	return append(b, '}'), nil
}

func (t Totals) appendJSON(b []byte) []byte {
	b = append(b, `{"monthly":`...)
	b = appendCents(b, t.Monthly)
	b = append(b, `,"upfront":`...)
	b = appendCents(b, t.Upfront)
	return append(b, '}')
}

// appendCents writes an amount as a string with exactly two decimal places.
func appendCents(b []byte, d decimal.Decimal) []byte {
	b = append(b, '"')
	b = append(b, d.StringFixed(2)...)
	return append(b, '"')
}

// appendDecimal writes an exact value as decimal.Decimal's own MarshalJSON does.
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	if decimal.MarshalJSONWithoutQuotes {
		return append(b, d.String()...)
	}
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendString writes s as a JSON string the way encoding/json does by default: HTML
// characters, control characters, U+2028 and U+2029 escaped, and each byte that is not
// UTF-8 replaced with U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
