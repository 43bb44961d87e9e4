// Package storetest is the contract every store.Store implementation meets: [Run]
// checks it against a fresh database. It also gives other packages' tests a
// PostgreSQL database of their own ([PostgresURL]) and a realistic order
// ([SampleOrder]).
package storetest
