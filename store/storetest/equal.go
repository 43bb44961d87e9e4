package storetest

import (
	"fmt"
	"reflect"
	"time"

	"github.com/shopspring/decimal"
)

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
)

// Diff lists where got differs from want, comparing decimals and times by value
// (decimal.Equal, time.Equal) and a nil slice as equal to an empty one: a database
// round trip keeps values, not representations ("22380" and "22380.00").
func Diff(want, got any) []string {
	return diff("", reflect.ValueOf(want), reflect.ValueOf(got))
}

func diff(path string, a, b reflect.Value) []string {
	if a.Type() != b.Type() {
		return []string{fmt.Sprintf("%s: type %s, want %s", path, b.Type(), a.Type())}
	}
	switch {
	case a.Type() == decimalType:
		x, y := a.Interface().(decimal.Decimal), b.Interface().(decimal.Decimal)
		if !x.Equal(y) {
			return []string{fmt.Sprintf("%s: %s, want %s", path, y, x)}
		}
		return nil
	case a.Type() == timeType:
		x, y := a.Interface().(time.Time), b.Interface().(time.Time)
		if !x.Equal(y) {
			return []string{fmt.Sprintf("%s: %s, want %s", path, y, x)}
		}
		return nil
	}
	switch a.Kind() {
	case reflect.Struct:
		var out []string
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			out = append(out, diff(path+"."+f.Name, a.Field(i), b.Field(i))...)
		}
		return out
	case reflect.Slice:
		if a.Len() != b.Len() {
			return []string{fmt.Sprintf("%s: %d elements, want %d", path, b.Len(), a.Len())}
		}
		var out []string
		for i := range a.Len() {
			out = append(out, diff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))...)
		}
		return out
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return []string{fmt.Sprintf("%s: nil mismatch", path)}
			}
			return nil
		}
		return diff(path, a.Elem(), b.Elem())
	default:
		if a.Interface() != b.Interface() {
			return []string{fmt.Sprintf("%s: %v, want %v", path, b.Interface(), a.Interface())}
		}
		return nil
	}
}
