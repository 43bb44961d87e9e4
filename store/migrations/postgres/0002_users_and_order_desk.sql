-- Sales reps. The email is kept trimmed and lower-cased (the store normalises it), so
-- UNIQUE is case-insensitive. The password hash is the caller's (bcrypt).
CREATE TABLE users (
	id            text PRIMARY KEY,
	email         text NOT NULL UNIQUE CHECK (email <> ''),
	password_hash bytea NOT NULL,
	disabled      boolean NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL
);

-- The rep whose shared quote led to the order; NULL for a customer's own.
ALTER TABLE orders ADD COLUMN rep text REFERENCES users (id);

-- Status changes. The placement is not stored: it is derived from the order.
CREATE TABLE order_audit (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the order of the changes
	order_id    text NOT NULL REFERENCES orders (id),
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	from_status text NOT NULL,
	to_status   text NOT NULL,
	reason      text NOT NULL
);

CREATE INDEX order_audit_order_idx ON order_audit (order_id, seq);

-- The order desk lists newest first and searches by account and by email in any
-- case. Status, product, region and rep filter that walk: each index costs every
-- order placed a write, and those filters match too many orders to gain much.
CREATE INDEX orders_created_idx ON orders (created_at DESC, seq DESC);
CREATE INDEX orders_account_idx ON orders (buyer_account_id);
CREATE INDEX orders_email_idx ON orders (lower(buyer_contact_email));
