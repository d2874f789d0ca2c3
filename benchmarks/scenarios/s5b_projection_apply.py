"""Scenario 5b: decoded events/s written to PostgreSQL by the projection use case
(`ProjectUserAccountEvents` over the PostgreSQL row store), fed in batches as the updater feeds
it, against raw single-row asyncpg upserts/s, sequential, on the same database.

Both write the same rows into the same table (emptied before each run): the baseline upserts
the row each event leads to, one autocommitted statement per event, for a bounded time (it is
slow: every commit waits for its WAL flush); the projection applies every event."""

import time
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from benchmarks.context import BenchContext
from benchmarks.report import Row, ratio_at_least
from benchmarks.stream_backlog import backlog_events
from domain.user_account import UserAccountEvent, UserAccountId
from infrastructure.postgres_pool import create_pool
from infrastructure.stream_consumer import MAX_BATCH_SIZE
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from use_case.ports import UserAccountRow
from use_case.user_account_projection.apply_event import apply_event
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

ID = "5b"
TITLE = "projection apply rate into PostgreSQL, batched vs single-row upserts"
FIGURE = "projection events/s into PostgreSQL"
TARGET = ratio_at_least(1.5)
EXPECTED = [(FIGURE, TARGET)]
ROUNDS = 2  # each side runs this often, alternately; the best run of each counts

_UPSERT = """
INSERT INTO user_accounts (id, first_name, last_name, email_address, created_at, updated_at,
                           version, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE
SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
    email_address = EXCLUDED.email_address, updated_at = EXCLUDED.updated_at,
    version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at
"""


class _NoJournal:
    """The events come in order without gaps: the projection never needs the journal."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        raise AssertionError(f"unexpected journal read for {aggregate_id}")


def _rows_after_each_event(events: Sequence[UserAccountEvent]) -> list[UserAccountRow]:
    rows: dict[UserAccountId, UserAccountRow] = {}
    after: list[UserAccountRow] = []
    for event in events:
        row = apply_event(rows.get(event.aggregate_id), event)
        rows[event.aggregate_id] = row
        after.append(row)
    return after


async def _timed(
    ctx: BenchContext,
    pool: "asyncpg.Pool[asyncpg.Record]",
    label: str,
    total: int,
    work: Callable[[Callable[[int], None]], Awaitable[int]],
) -> float:
    """`work` (which returns how many events it wrote) on an empty table; events/s."""
    await pool.execute("TRUNCATE user_accounts")
    await pool.execute("VACUUM ANALYZE user_accounts")
    ctx.progress.phase(f"{label}: up to {total:,} events")
    started = time.perf_counter()
    done = await work(lambda done: ctx.progress.count(label, done, total))
    rate = done / (time.perf_counter() - started)
    ctx.progress.phase(f"{label}: {done:,} events, {rate:,.0f} events/s")
    count, versions = await pool.fetchrow("SELECT count(*), sum(version) FROM user_accounts")
    if versions != done:
        raise RuntimeError(f"{label}: {versions} events in {count} rows, expected {done}")
    return rate


async def run(ctx: BenchContext) -> list[Row]:
    total = ctx.size(10_000, 40_000)
    baseline_seconds = ctx.size(4.0, 10.0)
    batch_size = MAX_BATCH_SIZE
    events = backlog_events(total)
    rows = _rows_after_each_event(events)
    url = await ctx.database("s5b")
    pool = await create_pool(url, application_name="bench-s5b", min_size=1, max_size=4)
    try:
        projection = ProjectUserAccountEvents(PostgresUserAccountReadModel(pool), _NoJournal())

        async def upsert_each(progress: Callable[[int], None]) -> int:
            deadline = time.perf_counter() + baseline_seconds
            done = 0
            async with pool.acquire() as connection:
                statement = await connection.prepare(_UPSERT)
                for row in rows:
                    await statement.fetch(
                        row.id.value,
                        row.first_name,
                        row.last_name,
                        row.email_address,
                        row.created_at,
                        row.updated_at,
                        row.version,
                        row.deleted_at,
                    )
                    done += 1
                    if done % 500 == 0:
                        progress(done)
                        if time.perf_counter() > deadline:
                            break
            return done

        async def project_batches(progress: Callable[[int], None]) -> int:
            for first in range(0, total, batch_size):
                summary = await projection(events[first : first + batch_size])
                if summary.failed:
                    raise RuntimeError(f"the projection failed: {summary.failed}")
                progress(min(first + batch_size, total))
            return total

        baselines: list[float] = []
        figures: list[float] = []
        for round_number in range(1, ROUNDS + 1):
            baselines.append(
                await _timed(ctx, pool, f"raw upserts, round {round_number}", total, upsert_each)
            )
            figures.append(
                await _timed(ctx, pool, f"projection, round {round_number}", total, project_batches)
            )
    finally:
        await pool.close()
    return [
        Row(
            ID,
            FIGURE,
            max(figures),
            "events/s",
            TARGET,
            baseline=max(baselines),
            baseline_label="single-row upserts",
            details={
                "events": total,
                "baseline_seconds": baseline_seconds,
                "batch_size": batch_size,
                "figure_runs": [round(rate) for rate in figures],
                "baseline_runs": [round(rate) for rate in baselines],
                "how": "best of alternating runs, each on an emptied user_accounts table",
            },
        )
    ]
