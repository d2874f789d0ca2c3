"""`checkpoints show|reset` and the shard part of `status` on fakes of the stream, the lease
table and the checkpoint store: what is shown, what a reset writes, when it is refused."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apps.admin.checkpoints import reset_checkpoint, show_checkpoints
from apps.admin.stream_view import StreamParts, lag_seconds, stream_view, wall_ms
from apps.admin.terminal import FAILED, OK
from infrastructure.stream_consumer import LeaseKey, ShardRef
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.lease_table import InMemoryLeaseTable, LeaseItem
from tests.unit.admin.captured_terminal import captured
from tests.unit.stream_consumer.fake_streams import STREAM_ARN, FakeDynamoDb, FakeShard, FakeStreams

pytestmark = pytest.mark.unit

WRITTEN = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
REF = ShardRef(STREAM_ARN, "shard-1", "journal", None)


def record(number: int) -> dict[str, Any]:
    return {
        "eventName": "INSERT",
        "dynamodb": {
            "SequenceNumber": str(number),
            "ApproximateCreationDateTime": WRITTEN + timedelta(seconds=number),
        },
    }


def parts(records: int = 5) -> StreamParts:
    shards = [
        FakeShard("shard-0", None, [record(n) for n in range(1, 3)], closed=True),
        FakeShard("shard-1", "shard-0", [record(n) for n in range(10, 10 + records)]),
    ]
    return StreamParts(
        dynamodb=FakeDynamoDb(),
        streams=FakeStreams(shards, page_size=1),
        checkpoints=InMemoryCheckpointStore(),
        leases=InMemoryLeaseTable(),
        table_name="journal",
        lease_seconds=10.0,
    )


async def test_show_lists_every_shard_parents_first_with_checkpoint_and_lease() -> None:
    stream = parts()
    await stream.checkpoints.commit(ShardRef(STREAM_ARN, "shard-0", "journal", None), "2")
    await stream.checkpoints.finish(ShardRef(STREAM_ARN, "shard-0", "journal", None))
    await stream.checkpoints.commit(REF, "11")
    stream.leases.items[LeaseKey(STREAM_ARN, "shard-1")] = LeaseItem(  # type: ignore[attr-defined]
        "host:4242:ab", 3, wall_ms() + 5000
    )
    screen = captured()
    assert await show_checkpoints(stream, screen.terminal, as_json=False) == OK
    lines = screen.out.splitlines()
    assert f"stream {STREAM_ARN}" in lines[0]
    zero = next(line for line in lines if line.strip().startswith("shard-0"))
    one = next(line for line in lines if line.strip().startswith("shard-1"))
    assert lines.index(zero) < lines.index(one)
    assert "2, finished" in zero
    assert "free" in zero
    assert "closed" in zero
    assert " 11 " in one
    assert "open" in one
    assert "host:4242:ab (for" in one

    as_json = captured()
    assert await show_checkpoints(stream, as_json.terminal, as_json=True) == OK
    shards = {shard["shard_id"]: shard for shard in json.loads(as_json.out)["shards"]}
    assert shards["shard-1"]["checkpoint"] == "11"
    assert shards["shard-1"]["lease_owner"] == "host:4242:ab"
    assert (shards["shard-0"]["finished"], shards["shard-0"]["lease_owner"]) == (True, None)


async def test_show_says_when_the_local_updater_never_read_the_stream() -> None:
    screen = captured()
    assert await show_checkpoints(parts(), screen.terminal, as_json=False) == OK
    assert "TRIM_HORIZON" in screen.out
    assert "no checkpoint stored" in screen.err


async def test_a_table_without_a_stream_is_a_failure() -> None:
    stream = parts()
    stream.dynamodb.stream_arn = None  # type: ignore[attr-defined]
    screen = captured()
    assert await show_checkpoints(stream, screen.terminal, as_json=False) == FAILED
    assert await reset_checkpoint(stream, screen.terminal, "shard-1", "latest", yes=True) == FAILED
    assert "has no stream" in screen.err


async def test_reset_to_the_trim_horizon_stores_no_position_and_gives_the_lease_back() -> None:
    stream = parts()
    await stream.checkpoints.commit(REF, "12")
    screen = captured()
    code = await reset_checkpoint(stream, screen.terminal, "shard-1", "trim-horizon", yes=True)
    assert code == OK, screen.err
    checkpoint = (await stream.checkpoints.load(STREAM_ARN))["shard-1"]
    assert (checkpoint.last_sequence_number, checkpoint.finished) == (None, False)
    assert "after 12 → TRIM_HORIZON" in screen.out
    lease = stream.leases.items[LeaseKey(STREAM_ARN, "shard-1")]  # type: ignore[attr-defined]
    assert lease.owner is None


async def test_reset_to_latest_skips_what_the_shard_holds_and_says_how_much() -> None:
    stream = parts(records=5)
    await stream.checkpoints.commit(REF, "11")
    screen = captured()
    assert await reset_checkpoint(stream, screen.terminal, "shard-1", "latest", yes=True) == OK
    assert (await stream.checkpoints.load(STREAM_ARN))["shard-1"].last_sequence_number == "14"
    assert "3 record(s) not applied yet are skipped" in screen.out


async def test_reset_to_latest_when_nothing_is_left_changes_nothing() -> None:
    stream = parts(records=2)
    await stream.checkpoints.commit(REF, "11")
    screen = captured()
    assert await reset_checkpoint(stream, screen.terminal, "shard-1", "latest", yes=False) == OK
    assert "nothing to do" in screen.out
    assert "Reset the checkpoint" not in screen.err  # nothing asked


async def test_reset_asks_first_and_a_no_changes_nothing() -> None:
    stream = parts()
    await stream.checkpoints.commit(REF, "12")
    screen = captured("n\n")
    assert (
        await reset_checkpoint(stream, screen.terminal, "shard-1", "trim-horizon", yes=False)
        == FAILED
    )
    assert "Reset the checkpoint of shard-1?" in screen.err
    assert "nothing changed" in screen.err
    assert (await stream.checkpoints.load(STREAM_ARN))["shard-1"].last_sequence_number == "12"


async def test_reset_is_refused_while_an_updater_holds_the_shard() -> None:
    stream = parts()
    await stream.checkpoints.commit(REF, "12")
    key = LeaseKey(STREAM_ARN, "shard-1")
    stream.leases.items[key] = LeaseItem("host:4242:ab", 3, wall_ms() + 5000)  # type: ignore[attr-defined]
    screen = captured()
    assert (
        await reset_checkpoint(stream, screen.terminal, "shard-1", "trim-horizon", yes=True)
        == FAILED
    )
    assert "host:4242:ab reads shard shard-1" in screen.err
    assert "stop the updaters first" in screen.err
    assert (await stream.checkpoints.load(STREAM_ARN))["shard-1"].last_sequence_number == "12"
    assert stream.leases.items[key].owner == "host:4242:ab"  # type: ignore[attr-defined]


async def test_an_unknown_shard_is_a_failure_that_names_the_shards() -> None:
    screen = captured()
    assert await reset_checkpoint(parts(), screen.terminal, "shard-9", "latest", yes=True) == FAILED
    assert "no shard shard-9 (its shards: shard-0, shard-1)" in screen.err


async def test_the_lag_is_the_age_of_the_oldest_record_not_applied() -> None:
    stream = parts(records=5)
    await stream.checkpoints.commit(REF, "11")
    view = await stream_view(stream)
    assert view is not None
    shard = view.shard("shard-1")
    assert shard is not None
    now = WRITTEN + timedelta(seconds=100)
    # Record 12 is the first the reader has not applied: written 12 s after WRITTEN.
    assert await lag_seconds(stream, STREAM_ARN, shard, now=lambda: now) == 88.0
    await stream.checkpoints.commit(REF, "14")
    caught_up = (await stream_view(stream)).shard("shard-1")  # type: ignore[union-attr]
    assert caught_up is not None
    assert await lag_seconds(stream, STREAM_ARN, caught_up, now=lambda: now) == 0.0
