"""PostgresUserAccountReadModel: the read model in the `user_accounts` table, through asyncpg."""

from collections.abc import Collection, Mapping, Sequence

import asyncpg

from domain.user_account import UserAccountId
from interface_adapter.read_model import postgres_statements as sql
from interface_adapter.read_model.row_changes import reject_duplicate_ids
from use_case.ports import ReadModelConflictError, RowChange, UserAccountRow


class PostgresUserAccountReadModel:
    """Batched row loads and saves for the projection, and the Query API's queries. Saving an
    erased row deletes its account's dead letters in the same transaction."""

    def __init__(self, pool: "asyncpg.Pool[asyncpg.Record]") -> None:
        self._pool = pool

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        if not ids:
            return {}
        records = await self._pool.fetch(sql.LOAD_ROWS, [account_id.value for account_id in ids])
        rows = (_row(record) for record in records)
        return {row.id: row for row in rows}

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        if not changes:
            return
        reject_duplicate_ids(changes)
        rows = [change.row for change in changes]
        arguments = (
            [row.id.value for row in rows],
            [row.first_name for row in rows],
            [row.last_name for row in rows],
            [row.email_address for row in rows],
            [row.created_at for row in rows],
            [row.updated_at for row in rows],
            [row.version for row in rows],
            [row.owner for row in rows],
            [row.deleted_at for row in rows],
            [row.erased_at for row in rows],
            [change.expected_version for change in changes],
        )
        erased = [row.id.value for row in rows if row.erased_at is not None]
        try:
            async with self._pool.acquire() as connection, connection.transaction():
                written = {
                    record["id"] for record in await connection.fetch(sql.SAVE_ROWS, *arguments)
                }
                conflicts = [row.id for row in rows if row.id.value not in written]
                if conflicts:
                    # Raised inside the transaction: it rolls back the rows that were written.
                    raise ReadModelConflictError(conflicts)
                if erased:
                    await connection.execute(sql.DELETE_DEAD_LETTERS_OF, erased)
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError) as error:
            # Two updaters locked overlapping rows in different orders: retrying resolves it.
            raise ReadModelConflictError([row.id for row in rows]) from error

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        record = await self._pool.fetchrow(sql.GET, account_id.value)
        return None if record is None else _row(record)

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        if after is None:
            records = await self._pool.fetch(sql.LIST_FIRST, first)
        else:
            records = await self._pool.fetch(sql.LIST_AFTER, after.value, first)
        return [_row(record) for record in records]

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        if not ids:
            return []
        unique_ids = sorted({account_id.value for account_id in ids})
        return [_row(record) for record in await self._pool.fetch(sql.GET_MANY, unique_ids)]

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        records = await self._pool.fetch(sql.SEARCH, f"%{escape_like(term)}%", first)
        return [_row(record) for record in records]


def escape_like(term: str) -> str:
    """`term` with the LIKE wildcards `%` and `_` and the escape character `\\` made literal."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(record: asyncpg.Record) -> UserAccountRow:
    return UserAccountRow(
        id=UserAccountId(record["id"]),
        first_name=record["first_name"],
        last_name=record["last_name"],
        email_address=record["email_address"],
        created_at=record["created_at"],
        updated_at=record["updated_at"],
        version=record["version"],
        owner=record["owner"],
        deleted_at=record["deleted_at"],
        erased_at=record["erased_at"],
    )
