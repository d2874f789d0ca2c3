"""Waiting until the read model equals a replay of the journal (every row, field and version)."""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from domain.user_account import UserAccountEvent
from tests.support.journal_check import journal_events
from tests.support.read_model_rows import replayed_rows, stored_rows
from tests.support.service_process import ServiceProcess

Pool = "asyncpg.Pool[asyncpg.Record]"


async def wait_read_model_equals_journal(
    pool: Pool,
    dynamodb: Any,
    table: str,
    updater: ServiceProcess,
    within: float = 60.0,
) -> Sequence[UserAccountEvent]:
    """The journal's events, once the rows in PostgreSQL are those of replaying them; fails
    with the difference (and the updater's log) when that takes longer than `within`."""
    deadline = time.monotonic() + within
    while True:
        events = await journal_events(dynamodb, table)
        expected = await replayed_rows(events)
        stored = await stored_rows(pool)
        if stored == expected:
            return events
        if time.monotonic() > deadline:
            missing = [key.value for key in expected if key not in stored][:5]
            extra = [key.value for key in stored if key not in expected][:5]
            differ = [
                (stored[key], expected[key])
                for key in expected
                if key in stored and stored[key] != expected[key]
            ][:3]
            raise AssertionError(
                f"read model != journal replay after {within} s: {len(stored)} rows, "
                f"{len(expected)} expected; missing {missing}, extra {extra}, differ {differ}\n"
                f"updater (running: {updater.running}):\n{updater.tail()}"
            )
        assert updater.running, f"the updater exited:\n{updater.tail()}"
        await asyncio.sleep(0.2)


async def dead_letters(pool: Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM dead_letters")
    return count
