"""ShardReader: large GetRecords answers applied in checkpointed batches, one call made ahead."""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pytest

from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    BatchResult,
    PollerOptions,
    Shard,
    ShardBatchRunner,
    ShardEnd,
    ShardReader,
    ShardRef,
)
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.unit.stream_consumer.fake_streams import STREAM_ARN, FakeShard, FakeStreams

pytestmark = pytest.mark.unit

REF = ShardRef(STREAM_ARN, "shard-1", "journal")
SHARD = Shard("shard-1", None, "1")


def records(count: int) -> list[dict[str, Any]]:
    return [{"dynamodb": {"SequenceNumber": str(n)}} for n in range(1, count + 1)]


class RecordingRunner:
    """Stands for ShardBatchRunner: records each batch and the GetRecords calls made by
    the time it is applied; sets the reader's stop while batch `stop_after_batches` is."""

    def __init__(self, streams: FakeStreams, stop_after_batches: int | None = None) -> None:
        self.streams = streams
        self.stop_after_batches = stop_after_batches
        self.batches: list[list[str]] = []
        self.calls_seen: list[int] = []

    async def __call__(
        self, shard: ShardRef, raw_records: Sequence[Mapping[str, Any]], stop: asyncio.Event
    ) -> BatchResult:
        await asyncio.sleep(0)  # as a database would: the call ahead gets going meanwhile
        self.calls_seen.append(len(self.streams.calls_of("get_records")))
        self.batches.append([record["dynamodb"]["SequenceNumber"] for record in raw_records])
        if self.stop_after_batches == len(self.batches):
            stop.set()
        return BatchResult(raw_records[-1]["dynamodb"]["SequenceNumber"], complete=True)


def reader(streams: FakeStreams, runner: RecordingRunner, limit: int) -> ShardReader:
    options = PollerOptions(
        poll_interval_seconds=0.001,
        batch_size=2,
        get_records_limit=limit,
        retry=Backoff(0.001, 0.002),
    )
    run_batch = cast(ShardBatchRunner, runner)
    return ShardReader(streams, run_batch, InMemoryCheckpointStore(), options)


async def test_an_answer_is_applied_in_batches_of_the_batch_size() -> None:
    streams = FakeStreams([FakeShard("shard-1", None, records(5), closed=True)])
    runner = RecordingRunner(streams)
    end = await reader(streams, runner, limit=1000).read(REF, SHARD, None, asyncio.Event())
    assert end is ShardEnd.FINISHED
    assert runner.batches == [["1", "2"], ["3", "4"], ["5"]]
    # One call brought all five records.
    assert streams.calls_of("get_records") == [("shard-1", 0)]


async def test_the_next_answer_is_asked_for_while_a_full_one_is_applied() -> None:
    streams = FakeStreams([FakeShard("shard-1", None, records(5), closed=True)])
    runner = RecordingRunner(streams)
    end = await reader(streams, runner, limit=2).read(REF, SHARD, None, asyncio.Event())
    assert end is ShardEnd.FINISHED
    assert runner.batches == [["1", "2"], ["3", "4"], ["5"]]
    # While records 1-2 were applied, the call for 3-4 was already out; and so on. The last
    # answer was not full: nothing more was asked for ahead of it.
    assert runner.calls_seen == [2, 3, 3]
    assert streams.calls_of("get_records") == [("shard-1", 0), ("shard-1", 2), ("shard-1", 4)]


async def test_a_stop_drops_the_call_ahead_unapplied() -> None:
    streams = FakeStreams([FakeShard("shard-1", None, records(6))])
    runner = RecordingRunner(streams, stop_after_batches=1)
    end = await reader(streams, runner, limit=2).read(REF, SHARD, None, asyncio.Event())
    assert end is ShardEnd.STOPPED
    # Records 3-4 were read ahead but never applied: they come again after the checkpoint.
    assert runner.batches == [["1", "2"]]
    assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task()] == []


async def test_a_stop_between_the_batches_of_one_answer_leaves_the_rest_unapplied() -> None:
    streams = FakeStreams([FakeShard("shard-1", None, records(6))])
    runner = RecordingRunner(streams, stop_after_batches=1)
    end = await reader(streams, runner, limit=1000).read(REF, SHARD, None, asyncio.Event())
    assert end is ShardEnd.STOPPED
    assert runner.batches == [["1", "2"]]


async def test_a_failed_call_ahead_resumes_after_the_last_applied_batch() -> None:
    streams = FakeStreams([FakeShard("shard-1", None, records(6), closed=True)])
    # The first call answers; the one made ahead fails: a new iterator after record 2.
    streams.fail_next = [None, "ProvisionedThroughputExceededException"]
    runner = RecordingRunner(streams)
    end = await reader(streams, runner, limit=2).read(REF, SHARD, None, asyncio.Event())
    assert end is ShardEnd.FINISHED
    assert runner.batches == [["1", "2"], ["3", "4"], ["5", "6"]]
    assert streams.calls_of("get_shard_iterator") == [
        ("shard-1", ("TRIM_HORIZON", None)),
        ("shard-1", ("AFTER_SEQUENCE_NUMBER", "2")),
    ]
