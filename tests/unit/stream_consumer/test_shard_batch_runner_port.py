"""ShardBatchRunner against a scripted StreamRecordHandler: the consumer's side of the port,
with no user-account code (what is retried, parked, checkpointed, by the failures reported)."""

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from infrastructure.backoff import Backoff
from infrastructure.stream_consumer import (
    BatchOutcome,
    BatchResult,
    DeadLetter,
    FailureKind,
    MalformedRecordError,
    PollerOptions,
    ProgressLog,
    RecordFailure,
    ShardBatchRunner,
    ShardRef,
    as_lambda_record,
)
from tests.support.checkpoint_store import InMemoryCheckpointStore

pytestmark = pytest.mark.unit

SHARD = ShardRef("arn:stream", "shardId-1", "table")
OPTIONS = PollerOptions(retry=Backoff(0.001, 0.004), max_attempts=3)
T0 = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)

# What the script answers for one record in one round: None when it is applied.
Script = Callable[[str, int], RecordFailure | None]


class ScriptedHandler:
    """Answers each record as `script(sequence_number, round)` says; notes what it was given."""

    def __init__(self, script: Script, outages: int = 0) -> None:
        self.script = script
        self.outages = outages
        self.calls: list[list[str]] = []

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
        self.calls.append(numbers)
        if self.outages:
            self.outages -= 1
            raise ConnectionRefusedError("the target is unreachable")
        failures = [f for n in numbers if (f := self.script(n, len(self.calls))) is not None]
        return BatchOutcome(
            applied=len(numbers) - len(failures),
            duplicates=0,
            gaps_filled=0,
            ignored=0,
            failures=failures,
        )


def records(*numbers: str) -> list[dict[str, Any]]:
    return [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": n}} for n in numbers]


def failure(
    number: str, kind: FailureKind, key: str | None, entity: str | None, fault: bool = True
) -> RecordFailure:
    return RecordFailure(number, key, entity, kind, f"{kind.value} {number}", fault)


def run(handler: ScriptedHandler, store: InMemoryCheckpointStore) -> ShardBatchRunner:
    return ShardBatchRunner(handler, store, OPTIONS, ProgressLog(), now=lambda: T0)


def broken_2_holds_back_3(number: str, _round: int) -> RecordFailure | None:
    """2 never applies; 3 (same partition key) is held back behind it; 1 and 4 apply."""
    if number == "2":
        return failure("2", FailureKind.UNDECODABLE, "k1", "e1")
    if number == "3":
        return failure("3", FailureKind.HELD_BACK, "k1", "e1", fault=False)
    return None


async def test_a_failing_record_is_parked_after_the_last_attempt_with_those_held_behind_it() -> (
    None
):
    handler, store = ScriptedHandler(broken_2_holds_back_3), InMemoryCheckpointStore()
    batch = records("1", "2", "3", "4")
    result = await run(handler, store)(SHARD, batch, asyncio.Event())
    assert result == BatchResult("4", complete=True)
    # Each round hands back only the records still failing, in batch order.
    assert handler.calls == [["1", "2", "3", "4"], ["2", "3"], ["2", "3"]]
    letters = sorted(store.dead_letters.values(), key=lambda letter: letter.sequence_number)
    assert letters == [
        DeadLetter(
            "2", "e1", as_lambda_record(batch[1], SHARD.stream_arn), "undecodable 2", 3, T0, T0
        ),
        DeadLetter(
            "3", "e1", as_lambda_record(batch[2], SHARD.stream_arn), "held back 3", 1, T0, T0
        ),
    ]
    assert store.commits == 1


async def test_a_failure_of_an_entity_parked_before_parks_at_once() -> None:
    store = InMemoryCheckpointStore()
    earlier = DeadLetter("0", "e1", records("0")[0], "broken", 5, T0, T0)
    await store.commit(SHARD, None, [earlier])
    handler = ScriptedHandler(broken_2_holds_back_3)
    result = await run(handler, store)(SHARD, records("1", "2", "3", "4"), asyncio.Event())
    assert result == BatchResult("4", complete=True)
    assert handler.calls == [["1", "2", "3", "4"]]
    letter = store.dead_letters[(SHARD.stream_arn, SHARD.shard_id, "2")]
    assert (letter.attempts, letter.error) == (
        1,
        "undecodable 2 (its aggregate already has parked records)",
    )


async def test_failures_that_are_not_the_records_fault_are_retried_and_never_parked() -> None:
    def unreachable_for_a_while(number: str, round_: int) -> RecordFailure | None:
        if number == "2" and round_ <= OPTIONS.max_attempts * 2:
            return failure("2", FailureKind.NOT_APPLIED, "k1", "e1", fault=False)
        return None

    handler, store = ScriptedHandler(unreachable_for_a_while), InMemoryCheckpointStore()
    result = await run(handler, store)(SHARD, records("1", "2", "3"), asyncio.Event())
    assert result == BatchResult("3", complete=True)
    assert len(handler.calls) == OPTIONS.max_attempts * 2 + 1
    assert store.dead_letters == {}


async def test_a_handler_that_raises_gets_the_same_records_again_and_nothing_is_parked() -> None:
    handler = ScriptedHandler(lambda number, round_: None, outages=OPTIONS.max_attempts * 2)
    store = InMemoryCheckpointStore()
    result = await run(handler, store)(SHARD, records("1", "2"), asyncio.Event())
    assert result == BatchResult("2", complete=True)
    assert handler.calls == [["1", "2"]] * (OPTIONS.max_attempts * 2 + 1)
    assert store.dead_letters == {}


async def test_a_stop_checkpoints_only_what_precedes_the_first_pending_record() -> None:
    handler, store = ScriptedHandler(broken_2_holds_back_3), InMemoryCheckpointStore()
    stop = asyncio.Event()
    stop.set()
    result = await run(handler, store)(SHARD, records("1", "2", "3", "4"), stop)
    assert result == BatchResult("1", complete=False)
    assert store.dead_letters == {}
    assert (await store.load(SHARD.stream_arn))["shardId-1"].last_sequence_number == "1"


async def test_a_record_without_a_sequence_number_fails_the_batch_before_the_handler() -> None:
    handler, store = ScriptedHandler(lambda number, round_: None), InMemoryCheckpointStore()
    batch: list[dict[str, Any]] = [*records("1"), {"eventName": "INSERT", "dynamodb": {}}]
    with pytest.raises(MalformedRecordError):
        await run(handler, store)(SHARD, batch, asyncio.Event())
    assert handler.calls == []
    assert store.commits == 0
