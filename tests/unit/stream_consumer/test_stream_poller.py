"""StreamPoller and ShardReader against a scripted stream: lineage, iterators, errors."""

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    PollerOptions,
    ProgressLog,
    ShardBatchRunner,
    ShardCheckpoint,
    ShardReader,
    ShardRef,
    StreamPoller,
)
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.read_model_rows import replayed_rows
from tests.support.stream_batches import Batch
from tests.support.virtual_time import in_virtual_time
from tests.unit.stream_consumer.fake_streams import STREAM_ARN, FakeDynamoDb, FakeShard, FakeStreams
from use_case.ports import RowChange
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

OPTIONS = PollerOptions(
    poll_interval_seconds=0.005,
    batch_size=2,
    get_records_limit=2,
    retry=Backoff(0.001, 0.005),
    discovery_interval_seconds=0.02,
)


class Stack:
    def __init__(self, batch: Batch, streams: FakeStreams) -> None:
        self.batch = batch
        self.streams = streams
        self.dynamodb = FakeDynamoDb()
        self.read_model = InMemoryUserAccountReadModel()
        self.store = InMemoryCheckpointStore()
        handler = UserAccountStreamHandler(
            ProjectUserAccountEvents(self.read_model, batch.journal), batch.keys
        )
        progress = ProgressLog()
        run_batch = ShardBatchRunner(handler, self.store, OPTIONS, progress)
        reader = ShardReader(streams, run_batch, self.store, OPTIONS)
        self.poller = StreamPoller(
            self.dynamodb, streams, self.store, reader, progress, "journal", OPTIONS
        )

    async def in_sync(self) -> bool:
        ids = {event.aggregate_id for event in self.batch.events}
        return await self.read_model.load_rows(ids) == await replayed_rows(self.batch.events)

    async def run_until(self, condition: Callable[[], Awaitable[bool]]) -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(self.poller.run(stop))
        deadline = time.monotonic() + 5
        while not await condition():
            assert time.monotonic() < deadline, self.streams.calls[-20:]
            assert not running.done(), running
            await asyncio.sleep(0.005)
        stop.set()
        await asyncio.wait_for(running, 5)


async def history(events: int) -> Batch:
    """One account created and renamed: `events` records in commit order."""
    batch = Batch()
    account = await batch.write.create("Taro", "Yamada")
    await batch.add(account, 1)
    for n in range(2, events + 1):
        await batch.add(account, await batch.write.rename(account, f"Taro{n}", "Yamada"))
    return batch


async def test_children_are_read_only_after_their_parent_is_finished() -> None:
    batch = await history(7)
    records = batch.records
    # A split: the parent holds the first three records, the children (listed first, and on
    # another page of DescribeStream) the rest; the same aggregate spans them.
    streams = FakeStreams(
        [
            FakeShard("shard-2-left", "shard-1", records[3:5]),
            FakeShard("shard-3-right", "shard-1", records[5:]),
            FakeShard("shard-1", None, records[:3], closed=True),
        ]
    )
    stack = Stack(batch, streams)
    await stack.run_until(stack.in_sync)
    reads = streams.calls_of("get_records")
    parent_end = max(i for i, (shard, _) in enumerate(reads) if shard == "shard-1")
    assert all(shard == "shard-1" for shard, _ in reads[: parent_end + 1])
    checkpoints = await stack.store.load(STREAM_ARN)
    assert checkpoints["shard-1"].finished
    assert checkpoints["shard-2-left"].last_sequence_number == batch.sequence_numbers(4)[0]
    assert checkpoints["shard-3-right"].last_sequence_number == batch.sequence_numbers(6)[0]
    # Finished shards are not read again; every shard got one iterator, from its trim horizon.
    assert sorted(streams.calls_of("get_shard_iterator")) == [
        ("shard-1", ("TRIM_HORIZON", None)),
        ("shard-2-left", ("TRIM_HORIZON", None)),
        ("shard-3-right", ("TRIM_HORIZON", None)),
    ]


async def test_iterators_are_reused_and_renewed_after_the_checkpoint_on_expiry() -> None:
    batch = await history(5)
    streams = FakeStreams([FakeShard("shard-1", None, batch.records)])
    streams.fail_next = [None, None, "ExpiredIteratorException"]
    stack = Stack(batch, streams)
    await stack.run_until(stack.in_sync)
    # Two full batches, the expired call, the last record; idle polls may follow (timing).
    assert len(streams.calls_of("get_records")) >= 4
    assert streams.calls_of("get_shard_iterator") == [
        ("shard-1", ("TRIM_HORIZON", None)),
        # Two full batches of two were applied before the expiry.
        ("shard-1", ("AFTER_SEQUENCE_NUMBER", batch.sequence_numbers(3)[0])),
    ]


async def test_trimmed_records_and_stale_checkpoints_start_over_at_the_trim_horizon() -> None:
    batch = await history(4)
    streams = FakeStreams([FakeShard("shard-1", None, batch.records)])
    streams.fail_next = ["TrimmedDataAccessException"]
    stack = Stack(batch, streams)
    shard = ShardRef(STREAM_ARN, "shard-1", "journal")
    # A checkpoint before the shard's first record: read from the trim horizon instead.
    stack.store.checkpoints[(STREAM_ARN, "shard-1")] = ShardCheckpoint(shard, "7", False)
    await stack.run_until(stack.in_sync)
    assert [kind for _, (kind, _) in streams.calls_of("get_shard_iterator")] == [
        "TRIM_HORIZON",
        "TRIM_HORIZON",
    ]


async def test_a_checkpoint_is_resumed_after_and_other_streams_are_forgotten() -> None:
    batch = await history(4)
    streams = FakeStreams([FakeShard("shard-1", None, batch.records)])
    stack = Stack(batch, streams)
    old = ShardRef("arn:old-stream", "shard-1", "journal")
    stack.store.checkpoints[(old.stream_arn, "shard-1")] = ShardCheckpoint(old, "1", False)
    first_two = await replayed_rows(batch.events[:2])
    await stack.read_model.save_rows([RowChange(row, 0) for row in first_two.values()])
    here = ShardRef(STREAM_ARN, "shard-1", "journal")
    stack.store.checkpoints[(STREAM_ARN, "shard-1")] = ShardCheckpoint(
        here, batch.sequence_numbers(1)[0], False
    )
    await stack.run_until(stack.in_sync)
    assert streams.calls_of("get_shard_iterator") == [
        ("shard-1", ("AFTER_SEQUENCE_NUMBER", batch.sequence_numbers(1)[0]))
    ]
    assert set(stack.store.checkpoints) == {(STREAM_ARN, "shard-1")}


@in_virtual_time
async def test_the_poller_waits_for_the_table_and_stops_cleanly() -> None:
    batch = await history(2)
    streams = FakeStreams([FakeShard("shard-1", None, batch.records)])
    stack = Stack(batch, streams)
    stack.dynamodb.stream_arn = None
    stop = asyncio.Event()
    running = asyncio.create_task(stack.poller.run(stop))
    # In virtual time: the poller looks for the table several times (a second apart) meanwhile.
    await asyncio.sleep(3.5)
    assert streams.calls == []
    stack.dynamodb.stream_arn = STREAM_ARN
    await eventually(stack.in_sync)
    stop.set()
    await asyncio.wait_for(running, 5)


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + 5
    while not await condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
