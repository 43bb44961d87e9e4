-- Orders. Money is NUMERIC(18,2): exact cents. The quote is json, not jsonb, so that
-- the snapshot is kept byte for byte as it was accepted.
CREATE TABLE orders (
	seq                     bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- breaks created_at ties
	id                      text PRIMARY KEY,
	created_at              timestamptz NOT NULL,
	status                  text NOT NULL,
	owner                   text NOT NULL,
	buyer_account_id        text NOT NULL,
	buyer_contact_name      text NOT NULL,
	buyer_contact_email     text NOT NULL,
	quote                   json NOT NULL,
	price_book_version      text NOT NULL,
	terms_version           text NOT NULL,
	terms_hash              text NOT NULL,
	terms_accepted_at       timestamptz NOT NULL,
	quota_increase_required boolean NOT NULL,
	monthly_total           numeric(18,2) NOT NULL,
	upfront_total           numeric(18,2) NOT NULL,
	products                text[] NOT NULL,
	regions                 text[] NOT NULL,
	idempotency_key         text NOT NULL UNIQUE
);

CREATE INDEX orders_owner_created_idx ON orders (owner, created_at DESC, seq DESC);

-- Sessions, exactly as github.com/alexedwards/scs/pgxstore expects them.
CREATE TABLE sessions (
	token  text PRIMARY KEY,
	data   bytea NOT NULL,
	expiry timestamptz NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry);
