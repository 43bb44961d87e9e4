-- Saved quotes: the sales reps' quote builder. A quote is a name, a customer and a
-- history of versions; each version keeps the request and the priced snapshot as
-- saved (json, not jsonb: byte for byte), so a version never changes once written.
-- quotes.version is the latest version number, bumped in the transaction that adds a
-- version; the primary key (quote_id, version) is the backstop against two saves
-- taking one number.
CREATE TABLE quotes (
	seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- breaks updated_at ties
	id                  text PRIMARY KEY,
	name                text NOT NULL CHECK (name <> ''),
	customer_name       text NOT NULL,
	customer_account_id text NOT NULL,
	notes               text NOT NULL,
	rep                 text NOT NULL REFERENCES users (id), -- the owner
	created_at          timestamptz NOT NULL,
	updated_at          timestamptz NOT NULL,
	version             integer NOT NULL CHECK (version >= 1)
);

CREATE INDEX quotes_updated_idx ON quotes (updated_at DESC, seq DESC);

CREATE TABLE quote_versions (
	quote_id            text NOT NULL REFERENCES quotes (id),
	version             integer NOT NULL CHECK (version >= 1),
	request             json NOT NULL,
	price_book_version  text NOT NULL,
	quote               json NOT NULL,
	saved_by            text NOT NULL REFERENCES users (id),
	saved_at            timestamptz NOT NULL,
	name                text NOT NULL,
	customer_name       text NOT NULL,
	customer_account_id text NOT NULL,
	notes               text NOT NULL,
	PRIMARY KEY (quote_id, version)
);

-- Share links. The token is the secret in the link; a revoked link stays listed.
CREATE TABLE quote_shares (
	token      text PRIMARY KEY,
	quote_id   text NOT NULL,
	version    integer NOT NULL,
	created_by text NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL,
	revoked_at timestamptz,
	revoked_by text REFERENCES users (id),
	FOREIGN KEY (quote_id, version) REFERENCES quote_versions (quote_id, version)
);

CREATE INDEX quote_shares_quote_idx ON quote_shares (quote_id, created_at);

-- The quote version an order was placed from; NULL for an order placed otherwise.
ALTER TABLE orders ADD COLUMN quote_id text;
ALTER TABLE orders ADD COLUMN quote_version integer;
ALTER TABLE orders ADD CONSTRAINT orders_quote_version_fkey
	FOREIGN KEY (quote_id, quote_version) REFERENCES quote_versions (quote_id, version);
ALTER TABLE orders ADD CONSTRAINT orders_quote_link_check
	CHECK ((quote_id IS NULL) = (quote_version IS NULL));
