-- Failed sign-ins, per throttle key ("account:<email>", "address:<ip>"), shared by
-- every instance of the console. failures is bumped by one atomic upsert; blocked_until
-- (no attempt before it) only ever moves later, so two instances failing at once
-- cannot shorten each other's wait. A row quiet for an hour is forgotten: the count
-- starts again, and the row is deleted a few at a time (hence the index).
CREATE TABLE sign_in_throttle (
	key           text PRIMARY KEY,
	failures      integer NOT NULL CHECK (failures >= 1),
	last_failure  timestamptz NOT NULL,
	blocked_until timestamptz NOT NULL
);

CREATE INDEX sign_in_throttle_last_failure_idx ON sign_in_throttle (last_failure);
