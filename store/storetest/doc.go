// Package storetest is the contract every store.Store implementation meets: [Run]
// checks it against a fresh database. It also gives other packages' tests a
// PostgreSQL database of their own ([PostgresURL]), a realistic order
// ([SampleOrder]) and a realistic saved quote ([SampleQuoteVersion]).
package storetest
