// Package auth holds what signing sales reps in needs beyond the store: slow password
// hashes (bcrypt), the rules a password must meet, and the policy that slows repeated
// failed sign-ins per account and per client address (the failures themselves are
// counted in the store, shared by every instance).
package auth
