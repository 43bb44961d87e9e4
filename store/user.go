package store

import (
	"fmt"
	"strings"
	"time"
)

// User is a sales rep's account.
type User struct {
	ID           string // "usr_" and 128 random bits
	Email        string // trimmed and lower-cased; unique
	PasswordHash []byte // made by the caller (bcrypt); the store never hashes
	Disabled     bool
	CreatedAt    time.Time // UTC, microsecond precision
}

// normalizeEmail is the one form an email is stored and looked up in, so that
// uniqueness and look-ups ignore case and stray spaces.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// newUser validates what AddUser was given and fills in what it assigns.
func newUser(email string, passwordHash []byte, now time.Time) (User, error) {
	u := User{ID: newID(userIDPrefix), Email: normalizeEmail(email), PasswordHash: passwordHash, CreatedAt: utcMicro(now)}
	if u.Email == "" {
		return User{}, fmt.Errorf("%w: no email", ErrInvalidUser)
	}
	if len(passwordHash) == 0 {
		return User{}, fmt.Errorf("%w: no password hash", ErrInvalidUser)
	}
	return u, nil
}
