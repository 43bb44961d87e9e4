package storetest

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kmsconsole/store"
)

// hash stands in for a bcrypt hash: the store keeps the bytes and never hashes.
var hash = []byte("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")

func addUser(t *testing.T, s store.Store, email string) store.User {
	t.Helper()
	u, err := s.AddUser(t.Context(), email, hash)
	if err != nil {
		t.Fatalf("AddUser(%q): %v", email, err)
	}
	return u
}

var userID = regexp.MustCompile(`^usr_[a-z2-7]{26}$`)

func testUserRoundTrip(t *testing.T, db database) {
	s := db.open(t)
	before := time.Now().UTC().Truncate(time.Microsecond)
	u := addUser(t, s, "  Rep.One@Example.COM ")
	after := time.Now().UTC()
	if !userID.MatchString(u.ID) {
		t.Errorf("ID %q: want usr_ and 26 base32 letters (128 bits)", u.ID)
	}
	if u.Email != "rep.one@example.com" {
		t.Errorf("Email = %q, want it trimmed and lower-cased", u.Email)
	}
	if string(u.PasswordHash) != string(hash) || u.Disabled {
		t.Errorf("PasswordHash %q, Disabled %v; want the hash given, enabled", u.PasswordHash, u.Disabled)
	}
	if u.CreatedAt.Location() != time.UTC || u.CreatedAt.Before(before) || u.CreatedAt.After(after) {
		t.Errorf("CreatedAt = %v, want UTC between %v and %v", u.CreatedAt, before, after)
	}
	other := addUser(t, s, "rep.two@example.com")
	if other.ID == u.ID {
		t.Errorf("two users got the ID %s", u.ID)
	}

	for _, email := range []string{"rep.one@example.com", "REP.ONE@EXAMPLE.COM", " Rep.One@example.com\t"} {
		got, err := s.UserByEmail(t.Context(), email)
		if err != nil {
			t.Errorf("UserByEmail(%q): %v", email, err)
			continue
		}
		for _, d := range Diff(u, got) {
			t.Errorf("UserByEmail(%q)%s", email, d)
		}
	}
	got, err := s.UserByID(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	for _, d := range Diff(u, got) {
		t.Errorf("UserByID%s", d)
	}

	for _, email := range []string{"nobody@example.com", "", "rep.one@example.com' OR '1'='1", "%", "rep.%@example.com"} {
		if _, err := s.UserByEmail(t.Context(), email); !errors.Is(err, store.ErrUserNotFound) {
			t.Errorf("UserByEmail(%q): err = %v, want ErrUserNotFound", email, err)
		}
	}
	for _, id := range []string{"usr_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", strings.ToUpper(u.ID), "' OR 1=1 --"} {
		if _, err := s.UserByID(t.Context(), id); !errors.Is(err, store.ErrUserNotFound) {
			t.Errorf("UserByID(%q): err = %v, want ErrUserNotFound", id, err)
		}
	}
}

func testEmailUniqueInAnyCase(t *testing.T, db database) {
	s := db.open(t)
	first := addUser(t, s, "rep@example.com")
	for _, email := range []string{"rep@example.com", "REP@example.com", " Rep@Example.Com "} {
		if _, err := s.AddUser(t.Context(), email, hash); !errors.Is(err, store.ErrEmailTaken) {
			t.Errorf("AddUser(%q) after rep@example.com: err = %v, want ErrEmailTaken", email, err)
		}
	}
	users, err := s.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].ID != first.ID {
		t.Errorf("ListUsers = %v, want only the first rep", users)
	}
}

func testUserNeedsEmailAndHash(t *testing.T, db database) {
	s := db.open(t)
	for _, tc := range []struct {
		email string
		hash  []byte
	}{{"", hash}, {"   ", hash}, {"rep@example.com", nil}, {"rep@example.com", []byte{}}} {
		if _, err := s.AddUser(t.Context(), tc.email, tc.hash); !errors.Is(err, store.ErrInvalidUser) {
			t.Errorf("AddUser(%q, %q): err = %v, want ErrInvalidUser", tc.email, tc.hash, err)
		}
	}
	if users, err := s.ListUsers(t.Context()); err != nil || len(users) != 0 {
		t.Errorf("ListUsers = %v, %v; want none stored", users, err)
	}
}

func testUserDisabledRoundTrip(t *testing.T, db database) {
	s := db.open(t)
	u := addUser(t, s, "rep@example.com")
	keep := addUser(t, s, "other@example.com")
	for _, disabled := range []bool{true, true, false, true} {
		if err := s.SetUserDisabled(t.Context(), " REP@example.com", disabled); err != nil {
			t.Fatalf("SetUserDisabled(%v): %v", disabled, err)
		}
		byID, err := s.UserByID(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		byEmail, err := s.UserByEmail(t.Context(), u.Email)
		if err != nil {
			t.Fatal(err)
		}
		if byID.Disabled != disabled || byEmail.Disabled != disabled {
			t.Errorf("after SetUserDisabled(%v): UserByID %v, UserByEmail %v", disabled, byID.Disabled, byEmail.Disabled)
		}
		want := u
		want.Disabled = disabled
		for _, d := range Diff(want, byID) {
			t.Errorf("after SetUserDisabled(%v)%s", disabled, d)
		}
	}
	if o, _ := s.UserByID(t.Context(), keep.ID); o.Disabled {
		t.Errorf("another rep was disabled too")
	}
	users, err := s.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range users {
		if got.ID == u.ID && !got.Disabled {
			t.Errorf("ListUsers shows the disabled rep enabled")
		}
	}
	for _, email := range []string{"nobody@example.com", "", "%"} {
		if err := s.SetUserDisabled(t.Context(), email, true); !errors.Is(err, store.ErrUserNotFound) {
			t.Errorf("SetUserDisabled(%q): err = %v, want ErrUserNotFound", email, err)
		}
	}
}

func testListUsersByEmail(t *testing.T, db database) {
	s := db.open(t)
	if users, err := s.ListUsers(t.Context()); err != nil || len(users) != 0 {
		t.Errorf("no reps: ListUsers = %v, %v", users, err)
	}
	// By the bytes: '.' sorts before 'b', whatever the database's locale thinks.
	for _, email := range []string{"carol@example.com", "ab@example.com", "A.Z@example.com", "bob@example.com"} {
		addUser(t, s, email)
	}
	users, err := s.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Email)
	}
	want := []string{"a.z@example.com", "ab@example.com", "bob@example.com", "carol@example.com"}
	if !slices.Equal(got, want) {
		t.Errorf("ListUsers = %v, want %v", got, want)
	}
}
