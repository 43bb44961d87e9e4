-- Saved quotes: the sales reps' quote builder. A quote is a name, a customer and a
-- history of versions; each version keeps the request and the priced snapshot as
-- saved (JSON text, money in it as strings), so a version never changes once written.
-- quotes.version is the latest version number, bumped in the transaction that adds a
-- version; UNIQUE (quote_id, version) is the backstop against two saves taking one number.
CREATE TABLE quotes (
	seq                 INTEGER PRIMARY KEY, -- creation order, breaks updated_at ties
	id                  TEXT NOT NULL UNIQUE,
	name                TEXT NOT NULL CHECK (name <> ''),
	customer_name       TEXT NOT NULL,
	customer_account_id TEXT NOT NULL,
	notes               TEXT NOT NULL,
	rep                 TEXT NOT NULL REFERENCES users (id), -- the owner
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	version             INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

CREATE INDEX quotes_updated_idx ON quotes (updated_at DESC, seq DESC);

CREATE TABLE quote_versions (
	quote_id            TEXT NOT NULL REFERENCES quotes (id),
	version             INTEGER NOT NULL CHECK (version >= 1),
	request             TEXT NOT NULL CHECK (json_valid(request)),
	price_book_version  TEXT NOT NULL,
	quote               TEXT NOT NULL CHECK (json_valid(quote)),
	saved_by            TEXT NOT NULL REFERENCES users (id),
	saved_at            TEXT NOT NULL,
	name                TEXT NOT NULL,
	customer_name       TEXT NOT NULL,
	customer_account_id TEXT NOT NULL,
	notes               TEXT NOT NULL,
	PRIMARY KEY (quote_id, version)
) STRICT;

-- Share links. The token is the secret in the link; a revoked link stays listed.
CREATE TABLE quote_shares (
	token      TEXT PRIMARY KEY,
	quote_id   TEXT NOT NULL,
	version    INTEGER NOT NULL,
	created_by TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	revoked_at TEXT,
	revoked_by TEXT REFERENCES users (id),
	FOREIGN KEY (quote_id, version) REFERENCES quote_versions (quote_id, version)
) STRICT;

CREATE INDEX quote_shares_quote_idx ON quote_shares (quote_id, created_at);

-- The quote version an order was placed from; NULL for an order placed otherwise.
-- SQLite cannot add a two-column foreign key to a table, so a trigger checks the pair.
ALTER TABLE orders ADD COLUMN quote_id TEXT REFERENCES quotes (id);
ALTER TABLE orders ADD COLUMN quote_version INTEGER;

CREATE TRIGGER orders_quote_version_exists BEFORE INSERT ON orders
WHEN NEW.quote_id IS NOT NULL OR NEW.quote_version IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'orders: quote version does not exist')
	WHERE NOT EXISTS (SELECT 1 FROM quote_versions
		WHERE quote_id = NEW.quote_id AND version = NEW.quote_version);
END;
