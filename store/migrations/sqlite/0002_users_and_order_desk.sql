-- Sales reps. The email is kept trimmed and lower-cased (the store normalises it), so
-- UNIQUE is case-insensitive. The password hash is the caller's (bcrypt).
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE CHECK (email <> ''),
	password_hash BLOB NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL
) STRICT;

-- The rep whose shared quote led to the order; NULL for a customer's own.
ALTER TABLE orders ADD COLUMN rep TEXT REFERENCES users (id);

-- Status changes. The placement is not stored: it is derived from the order.
CREATE TABLE order_audit (
	seq         INTEGER PRIMARY KEY, -- the order of the changes
	order_id    TEXT NOT NULL REFERENCES orders (id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	reason      TEXT NOT NULL
) STRICT;

CREATE INDEX order_audit_order_idx ON order_audit (order_id, seq);

-- The order desk lists newest first and searches by account and by email in any
-- case. Status, product, region and rep filter that walk: each index costs every
-- order placed a write, and those filters match too many orders to gain much.
CREATE INDEX orders_created_idx ON orders (created_at DESC, seq DESC);
CREATE INDEX orders_account_idx ON orders (buyer_account_id);
CREATE INDEX orders_email_idx ON orders (lower(buyer_contact_email));
