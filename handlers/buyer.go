package handlers

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
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
	case utf8.RuneCountInString(s) > 100:
		return "Use at most 100 characters."
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
