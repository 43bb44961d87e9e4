package handlers

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"kmsconsole/views"
)

// accountIDProblem checks a Tencent Cloud account ID (UIN): digits only.
func accountIDProblem(s string) string {
	switch {
	case s == "":
		return "Enter your Tencent Cloud account ID."
	case strings.Trim(s, "0123456789") != "":
		return "An account ID has digits only, like 100012345678."
	case len(s) < 5 || len(s) > 20:
		return "An account ID has 5 to 20 digits."
	case s[0] == '0':
		return "An account ID does not start with 0."
	}
	return ""
}

func contactNameProblem(s string) string {
	switch {
	case s == "":
		return "Enter the name of the person to contact about this order."
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "The name has characters that cannot be used."
	}
	return tooLong(s, 100)
}

// tooLong says so when s has more than max characters (not bytes: 100 Chinese
// characters are 100), for a message at its field.
func tooLong(s string, max int) string {
	if n := utf8.RuneCountInString(s); n > max {
		return "Keep this to " + views.Count(int64(max)) + " characters; it has " + views.Count(int64(n)) + "."
	}
	return ""
}

func emailProblem(s string) string {
	if s == "" {
		return "Enter an email address to send the order to."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return "Enter an email address like name@example.com."
	}
	return ""
}
