"""Rows to compare: those in PostgreSQL, and those a replay of the journal gives."""

from collections.abc import Mapping, Sequence

import asyncpg

from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from use_case.ports import UserAccountRow
from use_case.user_account_projection.project_events import ProjectUserAccountEvents


class _NoJournal:
    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        raise AssertionError("a replay of complete histories never has gaps")


async def replayed_rows(
    events: Sequence[UserAccountEvent],
) -> Mapping[UserAccountId, UserAccountRow]:
    """The rows of applying every event once, in order (histories must be complete)."""
    read_model = InMemoryUserAccountReadModel()
    summary = await ProjectUserAccountEvents(read_model, _NoJournal())(events)
    assert not summary.failed, summary.failed
    ids = {event.aggregate_id for event in events}
    return await read_model.load_rows(ids)


async def stored_rows(
    pool: "asyncpg.Pool[asyncpg.Record]",
) -> Mapping[UserAccountId, UserAccountRow]:
    """Every row of `user_accounts`, tombstones included."""
    ids = [
        UserAccountId(record["id"]) for record in await pool.fetch("SELECT id FROM user_accounts")
    ]
    return await PostgresUserAccountReadModel(pool).load_rows(ids)
