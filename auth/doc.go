// Package auth holds what signing sales reps in needs beyond the store: slow password
// hashes (bcrypt), the rules a password must meet, and a throttle that slows repeated
// failed sign-ins per account and per client address.
package auth
