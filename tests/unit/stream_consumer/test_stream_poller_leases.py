"""Two pollers on one stream with shard leases: one reads, the other stands by and takes over (in
virtual time: who holds the lease when, and for how long, does not depend on the machine's
speed)."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import pytest

from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    BatchOutcome,
    LeaseKey,
    PollerOptions,
    ProgressLog,
    Shard,
    ShardBatchRunner,
    ShardEnd,
    ShardLeases,
    ShardReader,
    ShardRef,
    StreamPoller,
)
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.lease_table import InMemoryLeaseTable
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_batches import Batch
from tests.support.virtual_time import in_virtual_time
from tests.unit.stream_consumer.fake_streams import STREAM_ARN, FakeDynamoDb, FakeShard, FakeStreams
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

LEASE_SECONDS = 0.3
OPTIONS = PollerOptions(
    poll_interval_seconds=0.005,
    batch_size=2,
    get_records_limit=2,
    retry=Backoff(0.001, 0.005),
    discovery_interval_seconds=0.02,
    lease_seconds=LEASE_SECONDS,
)
KEY = LeaseKey(STREAM_ARN, "shard-1")


class CutOffLeaseTable:
    """The shared lease table as one process sees it; `cut` makes it unreachable."""

    def __init__(self, shared: InMemoryLeaseTable) -> None:
        self.shared = shared
        self.cut = False

    async def take(self, key: LeaseKey, owner: str, now_ms: int, expires_at_ms: int) -> int | None:
        self._check()
        return await self.shared.take(key, owner, now_ms, expires_at_ms)

    async def renew(self, key: LeaseKey, owner: str, counter: int, expires_at_ms: int) -> bool:
        self._check()
        return await self.shared.renew(key, owner, counter, expires_at_ms)

    async def release(self, key: LeaseKey, owner: str, counter: int) -> bool:
        self._check()
        return await self.shared.release(key, owner, counter)

    def _check(self) -> None:
        if self.cut:
            raise ConnectionError("DynamoDB unreachable from this process")


class TimedHandler(UserAccountStreamHandler):
    """Notes when this process applied records to the (shared) read model."""

    def __init__(self, project: ProjectUserAccountEvents, data_keys: DataKeys) -> None:
        super().__init__(project, data_keys)
        self.applied_at: list[float] = []

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        self.applied_at.append(time.monotonic())
        return await super().__call__(records)


class Shared:
    """What the updater processes share: the stream, the read model, checkpoints, leases."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.shard = FakeShard("shard-1", None, [])
        self.read_model = InMemoryUserAccountReadModel()
        self.checkpoints = InMemoryCheckpointStore()
        self.leases = InMemoryLeaseTable()
        self.written = 0

    def publish(self, count: int) -> None:
        """Make the next `count` records of the batch appear in the stream."""
        self.shard.records.extend(self.batch.records[self.written : self.written + count])
        self.written += count

    async def publish_steadily(self, interval: float) -> None:
        while self.written < len(self.batch.records):
            self.publish(1)
            await asyncio.sleep(interval)

    async def in_sync(self) -> bool:
        events = self.batch.events[: self.written]
        ids = {event.aggregate_id for event in events}
        return await self.read_model.load_rows(ids) == await replayed_rows(events)


class Updater:
    def __init__(self, name: str, shared: Shared) -> None:
        self.streams = FakeStreams([shared.shard])
        self.lease_table = CutOffLeaseTable(shared.leases)
        self.leases = ShardLeases(self.lease_table, LEASE_SECONDS, name, monotonic=time.monotonic)
        self.handler = TimedHandler(
            ProjectUserAccountEvents(shared.read_model, shared.batch.journal), shared.batch.keys
        )
        progress = ProgressLog()
        run_batch = ShardBatchRunner(self.handler, shared.checkpoints, OPTIONS, progress)
        reader = ShardReader(self.streams, run_batch, shared.checkpoints, OPTIONS)
        self.poller = StreamPoller(
            FakeDynamoDb(),
            self.streams,
            shared.checkpoints,
            reader,
            progress,
            "journal",
            OPTIONS,
            leases=self.leases,
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> "Updater":
        self.task = asyncio.create_task(self.poller.run(self.stop))
        return self

    async def stop_gracefully(self) -> None:
        assert self.task is not None
        self.stop.set()
        await asyncio.wait_for(self.task, 5)

    def reads(self) -> int:
        return len(self.streams.calls_of("get_records"))


async def wait_for(condition: Callable[[], Awaitable[bool]], within: float = 5.0) -> float:
    """Seconds until `condition` held."""
    started = time.monotonic()
    while not await condition():
        assert time.monotonic() - started < within, "condition never reached"
        await asyncio.sleep(0.005)
    return time.monotonic() - started


async def accounts(count: int) -> Batch:
    batch = Batch()
    for n in range(count):
        account = await batch.write.create(f"Name{n}", "Leased")
        await batch.add(account, 1)
        await batch.add(account, await batch.write.rename(account, f"Renamed{n}", "Leased"))
    return batch


@in_virtual_time
async def test_the_second_poller_stands_by_then_takes_over_a_released_lease_at_once() -> None:
    shared = Shared(await accounts(6))
    first = Updater("first", shared).start()
    shared.publish(4)
    await wait_for(shared.in_sync)
    second = Updater("second", shared).start()
    shared.publish(4)
    await wait_for(shared.in_sync)
    await asyncio.sleep(LEASE_SECONDS)  # several renewals and take attempts
    assert second.reads() == 0
    assert second.handler.applied_at == []
    assert shared.leases.items[KEY].owner == "first"

    await first.stop_gracefully()  # releases its lease after its last checkpoint
    assert shared.leases.items[KEY].owner is None
    shared.publish(4)
    took = await wait_for(shared.in_sync)
    assert took < LEASE_SECONDS  # a released lease is taken at the next attempt
    assert shared.leases.items[KEY].owner == "second"
    # The second started after the first one's checkpoint: nothing read twice.
    assert second.streams.calls_of("get_shard_iterator") == [
        ("shard-1", ("AFTER_SEQUENCE_NUMBER", shared.batch.sequence_numbers(7)[0]))
    ]
    await second.stop_gracefully()


@in_virtual_time
async def test_a_holder_cut_off_stops_applying_before_the_other_takes_over() -> None:
    shared = Shared(await accounts(100))
    first = Updater("first", shared).start()
    second = Updater("second", shared).start()
    publishing = asyncio.create_task(shared.publish_steadily(0.005))
    await wait_for(lambda: _owned_by(shared, "first"))
    await asyncio.sleep(LEASE_SECONDS / 2)
    assert first.handler.applied_at

    # The holder can no longer renew (partitioned from DynamoDB, or paused): its lease runs out
    # while records keep coming.
    first.lease_table.cut = True
    cut_at = time.monotonic()
    await wait_for(lambda: _owned_by(shared, "second"), within=3 * LEASE_SECONDS)
    assert time.monotonic() - cut_at < 2 * LEASE_SECONDS
    await publishing
    await wait_for(shared.in_sync)

    assert second.handler.applied_at
    # One writer at a time: every batch the first applied came before the second's first one.
    assert max(first.handler.applied_at) < min(second.handler.applied_at)
    assert max(first.handler.applied_at) > cut_at  # it went on while the lease was still valid
    reads_when_lost = first.reads()
    await asyncio.sleep(3 * OPTIONS.poll_interval_seconds)
    assert first.reads() == reads_when_lost  # it stopped reading the shard
    first.lease_table.cut = False
    await first.stop_gracefully()
    await second.stop_gracefully()


async def _owned_by(shared: Shared, owner: str) -> bool:
    item = shared.leases.items.get(KEY)
    return item is not None and item.owner == owner


@in_virtual_time
async def test_a_reader_whose_lease_ran_out_applies_nothing_even_before_it_is_told() -> None:
    shared = Shared(await accounts(2))
    shared.publish(4)
    updater = Updater("first", shared)
    held = await updater.leases.acquire(KEY, lambda: None)
    assert held is not None
    held.valid_until = time.monotonic()  # ran out; no renewal round has noticed it yet
    reader = ShardReader(
        updater.streams,
        ShardBatchRunner(updater.handler, shared.checkpoints, OPTIONS, ProgressLog()),
        shared.checkpoints,
        OPTIONS,
    )
    ref = ShardRef(STREAM_ARN, "shard-1", "journal")
    shard = Shard("shard-1", None, "1000", None)
    end = await asyncio.wait_for(reader.read(ref, shard, None, asyncio.Event(), held), 5)
    assert end is ShardEnd.LEASE_LOST
    assert updater.handler.applied_at == []
    assert shared.checkpoints.checkpoints == {}
