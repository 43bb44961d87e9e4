// Package store keeps what the console must not lose: the orders customers place, the
// browser sessions that place them, the sales reps who confirm or cancel them and the
// audit of each change, in one database.
//
// The database is SQLite (a file in the data directory, the default, nothing to
// install) or PostgreSQL (a postgres:// URL). Both implement [Store]; one contract
// suite (package storetest) runs against each. Money is stored exactly: TEXT in
// SQLite, NUMERIC(18,2) in PostgreSQL, never a float, never summed by the database.
//
// An order is acknowledged only once it is durable: SQLite runs in WAL mode with
// synchronous=FULL, PostgreSQL with the server's synchronous_commit. Placing an order
// is idempotent on the review page's one-time token, enforced by a UNIQUE constraint,
// so a double click or a retried request after an [ErrUnavailable] never places two.
package store
