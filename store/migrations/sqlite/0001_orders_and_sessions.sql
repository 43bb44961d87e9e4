-- Orders. STRICT keeps every value the type declared: money is TEXT ("22380.00"), as
-- a NUMERIC column would turn it into a floating-point REAL. Times are UTC text with
-- a fixed width ("2006-01-02T15:04:05.000000Z") so that they sort as they read.
CREATE TABLE orders (
	seq                     INTEGER PRIMARY KEY, -- insertion order, breaks created_at ties
	id                      TEXT NOT NULL UNIQUE,
	created_at              TEXT NOT NULL,
	status                  TEXT NOT NULL,
	owner                   TEXT NOT NULL,
	buyer_account_id        TEXT NOT NULL,
	buyer_contact_name      TEXT NOT NULL,
	buyer_contact_email     TEXT NOT NULL,
	quote                   TEXT NOT NULL CHECK (json_valid(quote)),
	price_book_version      TEXT NOT NULL,
	terms_version           TEXT NOT NULL,
	terms_hash              TEXT NOT NULL,
	terms_accepted_at       TEXT NOT NULL,
	quota_increase_required INTEGER NOT NULL CHECK (quota_increase_required IN (0, 1)),
	monthly_total           TEXT NOT NULL,
	upfront_total           TEXT NOT NULL,
	products                TEXT NOT NULL CHECK (json_type(products) = 'array'),
	regions                 TEXT NOT NULL CHECK (json_type(regions) = 'array'),
	idempotency_key         TEXT NOT NULL UNIQUE
) STRICT;

CREATE INDEX orders_owner_created_idx ON orders (owner, created_at DESC, seq DESC);

-- Sessions, exactly as github.com/alexedwards/scs/sqlite3store expects them: expiry
-- is a Julian day number.
CREATE TABLE sessions (
	token  TEXT PRIMARY KEY,
	data   BLOB NOT NULL,
	expiry REAL NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry);
