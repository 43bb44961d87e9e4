package pricing

import (
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The JSON of a quote, written directly, byte for byte what encoding/json wrote for it
// before (TestQuoteJSONIsUnchanged holds it to that).

// AppendJSON appends the quote's JSON to b: the same bytes as json.Marshal, without
// encoding/json's second pass over what a MarshalJSON method returns, for a caller
// that writes the quote alone (the API).
func (q Quote) AppendJSON(b []byte) []byte {
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
			b = it.appendJSON(b)
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
	return append(b, '}')
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

func (it QuotedItem) appendJSON(b []byte) []byte {
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
	if it.SSM != nil {
		b = append(b, `,"ssm":`...)
		b = it.SSM.appendJSON(b)
	}
	b = append(b, `,"input":`...)
	b = it.Input.appendJSON(b)
	b = append(b, `,"monthly":`...)
	b = appendCents(b, it.Monthly)
	b = append(b, `,"upfront":`...)
	b = appendCents(b, it.Upfront)
	return append(b, '}')
}

func (z *SSMSizing) appendJSON(b []byte) []byte {
	b = append(b, `{"group":`...)
	b = appendString(b, z.Group)
	b = append(b, `,"group_name":`...)
	b = appendString(b, z.GroupName)
	b = append(b, `,"edition":`...)
	b = appendString(b, z.Edition)
	b = append(b, `,"packages":`...)
	b = strconv.AppendInt(b, z.Packages, 10)
	b = append(b, `,"included_credentials":`...)
	b = strconv.AppendInt(b, z.IncludedCredentials, 10)
	b = append(b, `,"total_qps":`...)
	b = strconv.AppendInt(b, z.TotalQPS, 10)
	b = append(b, `,"billing":`...)
	b = appendString(b, z.Billing)
	b = append(b, `,"term_months":`...)
	b = strconv.AppendInt(b, z.TermMonths, 10)
	return append(b, '}')
}

// appendJSON writes the item as requested, its empty fields left out (the omitempty
// of its tags).
func (it Item) appendJSON(b []byte) []byte {
	b = append(b, `{"product":`...)
	b = appendString(b, it.Product)
	b = append(b, `,"region":`...)
	b = appendString(b, it.Region)
	if it.Edition != "" {
		b = append(b, `,"edition":`...)
		b = appendString(b, it.Edition)
	}
	b = appendNonZero(b, `,"credentials":`, it.Credentials)
	b = appendNonZero(b, `,"qps_units":`, it.QPSUnits)
	if it.Billing != "" {
		b = append(b, `,"billing":`...)
		b = appendString(b, it.Billing)
	}
	b = appendNonZero(b, `,"term_months":`, it.TermMonths)
	b = appendNonZero(b, `,"customer_keys":`, it.CustomerKeys)
	b = appendNonZero(b, `,"managed_keys":`, it.ManagedKeys)
	b = appendNonZero(b, `,"pending_deletion_keys":`, it.PendingDeletionKeys)
	b = appendNonZero(b, `,"api_calls":`, it.APICalls)
	b = appendNonZero(b, `,"days":`, it.Days)
	return append(b, '}')
}

// appendNonZero writes key and n, unless n is zero.
func appendNonZero(b []byte, key string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, key...), n, 10)
}

func (t Totals) appendJSON(b []byte) []byte {
	b = append(b, `{"monthly":`...)
	b = appendCents(b, t.Monthly)
	b = append(b, `,"upfront":`...)
	b = appendCents(b, t.Upfront)
	return append(b, '}')
}

// appendCents writes an amount as a string with exactly two decimal places: the
// bytes of d.StringFixed(2), quoted.
func appendCents(b []byte, d decimal.Decimal) []byte {
	b = appendFixed2(append(b, '"'), d, false)
	return append(b, '"')
}

// appendDecimal writes an exact value as decimal.Decimal's own MarshalJSON does: the
// bytes of d.String(), written directly under its default settings.
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	quoted := !decimal.MarshalJSONWithoutQuotes
	if quoted {
		b = append(b, '"')
	}
	if decimal.TrimTrailingZeros && !(decimal.UseScientificNotation && d.Exponent() > 0) {
		b = appendExact(b, d, false)
	} else {
		b = append(b, d.String()...) // decimal's settings changed: its own string
	}
	if quoted {
		b = append(b, '"')
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// jsonPlain[c] is whether byte c is written as itself in a JSON string: printable
// ASCII other than the quote, the backslash and the HTML characters < > &. Bytes from
// 0x80 up are false here and looked at as UTF-8.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendString writes s as a JSON string the way encoding/json does by default: HTML
// characters, control characters, U+2028 and U+2029 escaped, and each byte that is not
// UTF-8 replaced with U+FFFD. Runs of plain bytes are copied whole.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if jsonPlain[s[i]] {
			i++
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
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
