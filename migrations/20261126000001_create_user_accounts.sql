-- migrate:up
-- The read model of user accounts, fed by the read-model updater and read by the Query API.
-- Deleted accounts stay as tombstones (deleted_at set) so that a redelivered older event finds a
-- higher version and is skipped instead of bringing the row back.
CREATE TABLE user_accounts (
    id            char(26)    PRIMARY KEY,
    first_name    text        NOT NULL,
    last_name     text        NOT NULL,
    email_address text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    version       bigint      NOT NULL CHECK (version >= 1),
    deleted_at    timestamptz NULL
);

-- pg_trgm is a trusted extension: the database owner may create it without being superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Search matches a substring of the first name, the last name or the full name "<first> <last>".
-- Any substring of either name is a substring of the full name, so one trigram index on the full
-- name serves all three (ILIKE '%term%' for terms of 3 characters or more). It covers live rows
-- only, which is all the search ever returns. The adapter's query must use this exact expression.
CREATE INDEX user_accounts_full_name_trgm_idx
    ON user_accounts USING gin ((first_name || ' ' || last_name) gin_trgm_ops)
    WHERE deleted_at IS NULL;

-- migrate:down
DROP TABLE user_accounts;
