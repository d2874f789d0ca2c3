-- migrate:up
-- Erasure (SPEC §9.4): an erased account's row keeps only its id, its version (so that a
-- redelivered older event is still skipped) and when it was erased. A row whose events' personal
-- data could not be read (their data key is gone: the erasure is on its way) holds only its id
-- and version. Neither is ever served by a query.
ALTER TABLE user_accounts
    ALTER COLUMN first_name DROP NOT NULL,
    ALTER COLUMN last_name DROP NOT NULL,
    ALTER COLUMN email_address DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL,
    ADD COLUMN erased_at timestamptz NULL,
    -- A row holds all of its personal data and times, or none of them (nor an owner, nor a
    -- deletion time): nothing half erased.
    ADD CONSTRAINT user_accounts_whole_or_empty CHECK (
        (first_name IS NOT NULL AND last_name IS NOT NULL AND email_address IS NOT NULL
            AND created_at IS NOT NULL AND updated_at IS NOT NULL)
        OR (first_name IS NULL AND last_name IS NULL AND email_address IS NULL
            AND created_at IS NULL AND updated_at IS NULL AND owner IS NULL
            AND deleted_at IS NULL)
    ),
    ADD CONSTRAINT user_accounts_erased_is_empty CHECK (
        erased_at IS NULL OR email_address IS NULL
    );

-- migrate:down
-- The previous schema's form of a row without personal data: empty names and address, no
-- owner, a tombstone (what that version's projection wrote for an event whose key was gone).
ALTER TABLE user_accounts
    DROP CONSTRAINT user_accounts_erased_is_empty,
    DROP CONSTRAINT user_accounts_whole_or_empty;
UPDATE user_accounts
SET first_name = '', last_name = '', email_address = '',
    created_at = coalesce(erased_at, now()), updated_at = coalesce(erased_at, now()),
    deleted_at = coalesce(erased_at, now())
WHERE email_address IS NULL;
ALTER TABLE user_accounts
    DROP COLUMN erased_at,
    ALTER COLUMN first_name SET NOT NULL,
    ALTER COLUMN last_name SET NOT NULL,
    ALTER COLUMN email_address SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
