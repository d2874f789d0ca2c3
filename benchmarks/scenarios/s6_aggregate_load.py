"""Scenario 6: loading one aggregate with 10,000 events through the repository's `load` (never
the aggregate cache), with its snapshot against the same load with snapshots turned off, in
memory and on moto.

The 10,000 events are one account's history (created, then renames). In memory they are
appended through the repository in appends of 100 events, which writes the snapshots as in
service. On moto they are written as journal items from the project's own serializer with
BatchWriteItem (sending 10,000 appends one by one would take minutes), and the snapshot is
written by the repository's own `save_snapshot`. "Snapshots off" is the same repository whose
snapshot table holds nothing for the account: `load` replays every event.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import (
    JOURNAL_TABLE,
    SNAPSHOT_TABLE,
    account_history,
    batch_write,
    create_tables,
    journal_items,
    new_aggregate_id,
)
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import moto_server
from domain.user_account import NotCreated, UserAccountId, UserAccountState, replay
from infrastructure.dynamodb import dynamodb_client
from infrastructure.dynamodb.tables import ensure_table
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.dynamodb_tables import snapshot_table_definition
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys

ID = "6"
TITLE = "loading an aggregate of 10,000 events, snapshots on vs off"
EVENTS = 10_000
SNAPSHOT_INTERVAL = 100
EMPTY_SNAPSHOT_TABLE = "snapshot-off"
IN_MEMORY_FIGURE = "aggregate load (10k events) loads/s, in memory"
MOTO_FIGURE = "aggregate load (10k events) loads/s, on moto"
IN_MEMORY_TARGET = ratio_at_least(20)
MOTO_TARGET = ratio_at_least(10)
EXPECTED = [(IN_MEMORY_FIGURE, IN_MEMORY_TARGET), (MOTO_FIGURE, MOTO_TARGET)]


@dataclass(frozen=True, slots=True)
class LoadRate:
    loads: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.loads / self.seconds

    def as_details(self) -> dict[str, float | int]:
        return {"loads": self.loads, "seconds": round(self.seconds, 3)}


async def measure(
    ctx: BenchContext,
    label: str,
    load: Callable[[], Awaitable[UserAccountState]],
    seconds: float,
    min_loads: int = 2,
    warm_up: bool = True,
) -> LoadRate:
    """Sequential loads for about `seconds` (at least `min_loads`), each checked."""
    if warm_up:
        await load()
    loads = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or loads < min_loads:
        state = await load()
        if state.version != EVENTS:
            raise RuntimeError(f"{label}: loaded version {state.version}, not {EVENTS}")
        loads += 1
        ctx.progress.count(
            f"{label} (seconds)", min(round(elapsed), round(seconds)), round(seconds)
        )
    ctx.progress.count(f"{label} (seconds)", round(seconds), round(seconds))
    result = LoadRate(loads, time.perf_counter() - started)
    ctx.progress.phase(f"{label}: {result.rate:,.1f} loads/s")
    return result


async def in_memory(ctx: BenchContext, aggregate_id: UserAccountId) -> tuple[LoadRate, LoadRate]:
    events = account_history(aggregate_id, EVENTS - 1)
    with_snapshots = InMemoryUserAccountRepository(
        InMemoryDataKeys(), snapshot_interval=SNAPSHOT_INTERVAL
    )
    without = InMemoryUserAccountRepository(InMemoryDataKeys(), snapshot_interval=EVENTS * 10)
    for repository in (with_snapshots, without):
        state: UserAccountState = NotCreated(aggregate_id)
        for first in range(0, EVENTS, SNAPSHOT_INTERVAL):
            chunk = events[first : first + SNAPSHOT_INTERVAL]
            await repository.store(state.version, chunk)
            state = replay(state, chunk)
    seconds = ctx.size(2.0, 5.0)
    on = await measure(
        ctx, "in memory, snapshots on", lambda: with_snapshots.load(aggregate_id), seconds
    )
    off = await measure(
        ctx, "in memory, snapshots off", lambda: without.load(aggregate_id), seconds
    )
    return on, off


async def on_moto(ctx: BenchContext, aggregate_id: UserAccountId) -> tuple[LoadRate, LoadRate]:
    events = account_history(aggregate_id, EVENTS - 1)
    keys = InMemoryDataKeys()  # the repository's, in this process
    async with moto_server(ctx.log_dir, "s6-moto") as endpoint:
        ctx.progress.phase("creating the tables (apps.admin create-tables)")
        await create_tables(endpoint)
        settings = Settings(dynamodb_endpoint_url=endpoint, aws_region="ap-northeast-1")
        async with dynamodb_client(settings) as client:
            await ensure_table(client, snapshot_table_definition(EMPTY_SNAPSHOT_TABLE))
            await batch_write(
                ctx,
                client,
                JOURNAL_TABLE,
                journal_items(events, {aggregate_id.value: await keys.create(aggregate_id.value)}),
                "journal items (BatchWriteItem)",
            )
            with_snapshots = DynamoDbUserAccountRepository(
                client, JOURNAL_TABLE, SNAPSHOT_TABLE, SNAPSHOT_INTERVAL, data_keys=keys
            )
            await with_snapshots.save_snapshot(replay(NotCreated(aggregate_id), events))
            without = DynamoDbUserAccountRepository(
                client, JOURNAL_TABLE, EMPTY_SNAPSHOT_TABLE, SNAPSHOT_INTERVAL, data_keys=keys
            )
            on = await measure(
                ctx,
                "moto, snapshots on",
                lambda: with_snapshots.load(aggregate_id),
                ctx.size(3.0, 10.0),
            )
            off = await measure(
                ctx,
                "moto, snapshots off",
                lambda: without.load(aggregate_id),
                ctx.size(4.0, 15.0),
                min_loads=1,
                warm_up=False,  # the client is warm; each load takes seconds
            )
    return on, off


async def run(ctx: BenchContext) -> list[Row]:
    aggregate_id = new_aggregate_id()
    memory_on, memory_off = await in_memory(ctx, aggregate_id)
    moto_on, moto_off = await on_moto(ctx, aggregate_id)
    return [
        Row(
            ID,
            IN_MEMORY_FIGURE,
            memory_on.rate,
            "loads/s",
            IN_MEMORY_TARGET,
            baseline=memory_off.rate,
            baseline_label="snapshots off",
            details={
                "snapshots_on": memory_on.as_details(),
                "snapshots_off": memory_off.as_details(),
            },
        ),
        Row(
            ID,
            MOTO_FIGURE,
            moto_on.rate,
            "loads/s",
            MOTO_TARGET,
            baseline=moto_off.rate,
            baseline_label="snapshots off",
            details={"snapshots_on": moto_on.as_details(), "snapshots_off": moto_off.as_details()},
        ),
    ]
