package pricing

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Problem is one thing wrong with a request or a price book: the field it is about
// (a path such as "items[2].credentials") and a message a person understands.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found, not just the first, so that a form or a
// script can be corrected in one go.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Field == "" {
			parts[i] = p.Message
		} else {
			parts[i] = p.Field + ": " + p.Message
		}
	}
	return strings.Join(parts, "; ")
}

// For returns the message about the given field, or "" when it has none.
func (e *ValidationError) For(field string) string {
	for _, p := range e.Problems {
		if p.Field == field {
			return p.Message
		}
	}
	return ""
}

// MalformedError is input that is not a request at all (broken JSON, an unknown field,
// a string where a number belongs), as opposed to a request with bad values.
type MalformedError struct {
	Message string
}

func (e *MalformedError) Error() string { return e.Message }

// IsMalformed reports whether err is a [*MalformedError].
func IsMalformed(err error) bool {
	var m *MalformedError
	return errors.As(err, &m)
}

type problems []Problem

func (p *problems) add(field, message string) {
	*p = append(*p, Problem{Field: field, Message: message})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

// jsonErrorField names the field a json decoding error is about, where it knows.
func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// jsonErrorMessage rewords json decoding errors for people; the standard messages
// speak of Go types.
func jsonErrorMessage(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), jsonValueKind(te.Value))
	case errors.As(err, &se):
		return fmt.Sprintf("is not valid JSON (at byte %d)", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "has an unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, errEmpty):
		return "is empty"
	}
	return "is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

var errEmpty = errors.New("empty")

// jsonKind names, for people, the JSON a Go kind is decoded from.
func jsonKind(goKind string) string {
	switch {
	case goKind == "string":
		return "a string"
	case goKind == "slice", goKind == "array":
		return "a list"
	case goKind == "struct", goKind == "map":
		return "an object"
	case goKind == "bool":
		return "true or false"
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "a whole number"
	}
	return "a number"
}

// jsonValueKind names, for people, the JSON value the decoder found: its kind, or
// the number itself ("number 1.5", a number the field cannot hold).
func jsonValueKind(v string) string {
	switch {
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "bool":
		return "true or false"
	case v == "string":
		return "a string"
	case v == "number":
		return "a number"
	}
	return strings.TrimPrefix(v, "number ")
}
