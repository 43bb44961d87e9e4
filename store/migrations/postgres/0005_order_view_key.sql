-- The secret of an order's private link, with which its buyer opens it from another
-- browser: 256 random bits. NULL for the orders placed before it existed, which have
-- no such link.
ALTER TABLE orders ADD COLUMN view_key text;
