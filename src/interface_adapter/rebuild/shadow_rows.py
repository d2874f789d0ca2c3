"""The projection's row store on the shadow table the rebuild fills: the same contract as the live
read model's (version-conditional writes), its columns read from row_columns."""

import json
from collections.abc import Collection, Mapping, Sequence

import asyncpg

from domain.user_account import UserAccountId
from interface_adapter.read_model.row_changes import reject_duplicate_ids
from interface_adapter.rebuild.row_columns import COLUMN_LIST, COLUMNS, row_document, row_of
from use_case.ports import ReadModelConflictError, RowChange, UserAccountRow

LIVE_TABLE = "user_accounts"
SHADOW_TABLE = "user_accounts_rebuild"

_SET_ALL = ", ".join(f"{name} = c.{name}" for name in COLUMNS if name != "id")


def _load_rows(table: str) -> str:
    return f"SELECT {COLUMN_LIST} FROM {table} WHERE id = ANY($1::char(26)[])"


def _save_rows(table: str) -> str:
    # Like the live read model's SAVE_ROWS; the rows come as JSON, typed by the table's own row
    # type, so no column type is written twice.
    return f"""
WITH changes AS (
    SELECT r.*, (c.change->>'expected_version')::bigint AS expected_version
    FROM jsonb_array_elements($1::jsonb) AS c(change),
         LATERAL jsonb_populate_record(NULL::{table}, c.change->'row') AS r
),
updated AS (
    UPDATE {table} AS u SET {_SET_ALL}
    FROM changes AS c
    WHERE u.id = c.id AND c.expected_version > 0 AND u.version = c.expected_version
    RETURNING u.id
),
inserted AS (
    INSERT INTO {table} ({COLUMN_LIST})
    SELECT {COLUMN_LIST} FROM changes WHERE expected_version = 0
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
SELECT id FROM updated UNION ALL SELECT id FROM inserted
"""


class ShadowRowStore:
    """UserAccountRowStore on `table` (the shadow by default). One rebuild segment writes each
    account (a Scan segment holds all of a partition key's items), so conflicts mean a bug or
    a second writer; they are reported like the live read model reports them."""

    def __init__(self, pool: "asyncpg.Pool[asyncpg.Record]", table: str = SHADOW_TABLE) -> None:
        self._pool = pool
        self._load = _load_rows(table)
        self._save = _save_rows(table)

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        if not ids:
            return {}
        records = await self._pool.fetch(self._load, [account_id.value for account_id in ids])
        rows = (row_of(record) for record in records)
        return {row.id: row for row in rows}

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        if not changes:
            return
        reject_duplicate_ids(changes)
        document = json.dumps(
            [
                {"row": row_document(change.row), "expected_version": change.expected_version}
                for change in changes
            ]
        )
        async with self._pool.acquire() as connection, connection.transaction():
            written = {record["id"] for record in await connection.fetch(self._save, document)}
            conflicts = [change.row.id for change in changes if change.row.id.value not in written]
            if conflicts:
                raise ReadModelConflictError(conflicts)
