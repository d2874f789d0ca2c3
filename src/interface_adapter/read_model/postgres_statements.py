"""The SQL of the PostgreSQL read model (table and index in migrations/)."""

_COLUMNS = (
    "id, first_name, last_name, email_address, created_at, updated_at, version, owner, deleted_at,"
    " erased_at"
)

# The rows queries serve: live, with personal data (an erased row, or one whose data key is gone,
# has none: the table's checks keep a row whole or empty).
_SERVED = "deleted_at IS NULL AND erased_at IS NULL AND email_address IS NOT NULL"

LOAD_ROWS = f"SELECT {_COLUMNS} FROM user_accounts WHERE id = ANY($1::char(26)[])"

# One statement writes the whole batch: rows expected at version 0 are inserted, the others
# updated only where the stored version is still the expected one. It returns the ids written;
# an id missing from the answer is a conflict (the caller then rolls the transaction back).
SAVE_ROWS = f"""
WITH changes AS (
    SELECT * FROM unnest(
        $1::char(26)[], $2::text[], $3::text[], $4::text[],
        $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::text[], $9::timestamptz[],
        $10::timestamptz[], $11::bigint[]
    ) AS c({_COLUMNS}, expected_version)
),
updated AS (
    UPDATE user_accounts AS u
    SET first_name = c.first_name, last_name = c.last_name, email_address = c.email_address,
        created_at = c.created_at, updated_at = c.updated_at, version = c.version,
        owner = c.owner, deleted_at = c.deleted_at, erased_at = c.erased_at
    FROM changes AS c
    WHERE u.id = c.id AND c.expected_version > 0 AND u.version = c.expected_version
    RETURNING u.id
),
inserted AS (
    INSERT INTO user_accounts ({_COLUMNS})
    SELECT {_COLUMNS} FROM changes WHERE expected_version = 0
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
SELECT id FROM updated UNION ALL SELECT id FROM inserted
"""

# The dead letters of the accounts just erased go in the erasure's transaction (SPEC §9.4):
# their records hold the accounts' encrypted personal data, and nothing is left to retry.
DELETE_DEAD_LETTERS_OF = "DELETE FROM dead_letters WHERE aggregate_id = ANY($1::text[])"

GET = f"SELECT {_COLUMNS} FROM user_accounts WHERE id = $1 AND {_SERVED}"

LIST_FIRST = f"""
SELECT {_COLUMNS} FROM user_accounts WHERE {_SERVED} ORDER BY id LIMIT $1
"""

LIST_AFTER = f"""
SELECT {_COLUMNS} FROM user_accounts WHERE {_SERVED} AND id > $1 ORDER BY id LIMIT $2
"""

GET_MANY = f"""
SELECT {_COLUMNS} FROM user_accounts
WHERE id = ANY($1::char(26)[]) AND {_SERVED} ORDER BY id
"""

# The full-name expression is the one of the trigram index user_accounts_full_name_trgm_idx:
# any substring of either name is a substring of it, so it answers all three matches. `$1` is
# '%<escaped term>%' with backslash, LIKE's default escape character.
SEARCH = f"""
SELECT {_COLUMNS} FROM user_accounts
WHERE {_SERVED} AND (first_name || ' ' || last_name) ILIKE $1
ORDER BY id LIMIT $2
"""
