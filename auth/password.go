package auth

import (
	"errors"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Cost is bcrypt's work factor: about a tenth of a second a hash on this kind of
// machine, slow for an attacker with a stolen table, fast enough for a sign-in.
const Cost = 12

// MinPasswordLength and MaxPasswordBytes bound a password: bcrypt reads at most 72
// bytes, and a longer password would be cut silently.
const (
	MinPasswordLength = 12
	MaxPasswordBytes  = 72
)

// ErrWeakPassword says why a password is refused.
var ErrWeakPassword = errors.New("a password needs at least 12 characters and at most 72 bytes")

// Hash returns the bcrypt hash of a password that meets the rules.
func Hash(password string) ([]byte, error) {
	if utf8.RuneCountInString(password) < MinPasswordLength || len(password) > MaxPasswordBytes {
		return nil, ErrWeakPassword
	}
	return bcrypt.GenerateFromPassword([]byte(password), Cost)
}

// dummyHash is compared against when an account does not exist, so that a sign-in
// takes as long for an unknown email as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), Cost)

// Check reports whether password matches hash; a nil hash (no such account) costs
// the same time and never matches.
func Check(hash []byte, password string) bool {
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}
