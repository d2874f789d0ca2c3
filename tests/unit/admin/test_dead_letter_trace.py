"""`dead-letters show` tells the trace context of the request that wrote the parked record: the
letter's own columns, or, for a letter parked before it had them, what its record carries."""

import json

import pytest

from apps.admin.dead_letters import show_letter
from apps.admin.terminal import OK
from infrastructure.stream_consumer import DeadLetter, as_lambda_record
from tests.support.spans import CALLER_TRACEPARENT
from tests.unit.admin.captured_terminal import captured
from tests.unit.admin.parked_world import SHARD, STREAM_ARN, T0, ParkedWorld, two_accounts

pytestmark = pytest.mark.unit


async def park_with_trace(
    world: ParkedWorld, index: int, correlation_id: str, traceparent: str
) -> int:
    """Park record `index` as the updater does, with the trace context its item carried."""
    record = world.batch.records[index]
    number = record["dynamodb"]["SequenceNumber"]
    entity = record["dynamodb"]["Keys"]["pkey"]["S"].removeprefix("UserAccount-")
    letter = DeadLetter(
        number,
        entity,
        as_lambda_record(record, STREAM_ARN),
        "broken",
        5,
        T0,
        T0,
        correlation_id=correlation_id,
        traceparent=traceparent,
    )
    await world.store.commit(SHARD, number, [letter])
    return world.store.letter_ids[(SHARD.stream_arn, SHARD.shard_id, number)]


async def test_show_tells_the_letters_correlation_id_and_traceparent() -> None:
    world = await two_accounts()
    letter_id = await park_with_trace(
        world, 1, correlation_id="cid-parked", traceparent=CALLER_TRACEPARENT
    )

    details = captured()
    assert (
        await show_letter(world.store, details.terminal, letter_id, raw=False, as_json=False) == OK
    )
    as_json = captured()
    assert (
        await show_letter(world.store, as_json.terminal, letter_id, raw=False, as_json=True) == OK
    )

    assert "cid-parked" in details.out
    assert CALLER_TRACEPARENT in details.out
    shown = json.loads(as_json.out)
    assert (shown["correlation_id"], shown["traceparent"]) == ("cid-parked", CALLER_TRACEPARENT)


async def test_a_letter_without_them_shows_what_its_record_carries() -> None:
    world = await two_accounts()
    image = world.batch.records[1]["dynamodb"]["NewImage"]
    image["correlation_id"] = {"S": "cid-of-the-record"}
    letter_id = await world.park(1)

    as_json = captured()
    assert (
        await show_letter(world.store, as_json.terminal, letter_id, raw=False, as_json=True) == OK
    )

    shown = json.loads(as_json.out)
    assert (shown["correlation_id"], shown["traceparent"]) == ("cid-of-the-record", None)
