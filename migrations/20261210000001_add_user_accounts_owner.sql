-- migrate:up
-- The account's owner: the subject (token `sub`) of whoever created it. NULL: no owner (created
-- with AUTH_MODE=off, or before owners were recorded); only administrators see such an account.
-- Queries filter by owner after reading by id, so no index is needed.
ALTER TABLE user_accounts ADD COLUMN owner text NULL;

-- migrate:down
ALTER TABLE user_accounts DROP COLUMN owner;
