"""Shard lineage: parents before children, children only after their parents are finished."""

import pytest

from infrastructure.stream_consumer import Shard, lineage_order, ready_to_read

pytestmark = pytest.mark.unit

ROOT = Shard("shard-a", None, "100", "199")
LEFT = Shard("shard-b", "shard-a", "200", "299")
RIGHT = Shard("shard-c", "shard-a", "250")
GRANDCHILD = Shard("shard-0", "shard-b", "300")  # sorts first by id, comes last by lineage
ORPHAN = Shard("shard-x", "shard-expired", "50")


def ids(shards: list[Shard]) -> list[str]:
    return [shard.shard_id for shard in shards]


def test_parents_come_before_their_children() -> None:
    ordered = ids(lineage_order([GRANDCHILD, RIGHT, LEFT, ROOT, ORPHAN]))
    assert ordered.index("shard-a") < ordered.index("shard-b") < ordered.index("shard-0")
    assert ordered.index("shard-a") < ordered.index("shard-c")
    assert sorted(ordered) == sorted(["shard-a", "shard-b", "shard-c", "shard-0", "shard-x"])


def test_only_roots_and_children_of_finished_shards_are_ready() -> None:
    shards = [GRANDCHILD, RIGHT, LEFT, ROOT, ORPHAN]
    # A parent the stream no longer lists (expired) does not hold its child back.
    assert ids(ready_to_read(shards, finished=set(), busy=set())) == ["shard-a", "shard-x"]
    assert ids(ready_to_read(shards, finished={"shard-a"}, busy={"shard-x"})) == [
        "shard-b",
        "shard-c",
    ]
    assert ids(ready_to_read(shards, finished={"shard-a", "shard-b"}, busy={"shard-c"})) == [
        "shard-0",
        "shard-x",
    ]


def test_shards_are_read_from_describe_stream() -> None:
    described = Shard.from_description(
        {
            "ShardId": "shard-b",
            "ParentShardId": "shard-a",
            "SequenceNumberRange": {
                "StartingSequenceNumber": "200",
                "EndingSequenceNumber": "299",
            },
        }
    )
    assert described == LEFT
    assert Shard.from_description({"ShardId": "s"}) == Shard("s", None, None, None)


def test_a_checkpoint_before_the_first_kept_record_precedes_the_trim_horizon() -> None:
    assert LEFT.precedes_trim_horizon("199")
    assert not LEFT.precedes_trim_horizon("200")
    assert not LEFT.precedes_trim_horizon("1" + "0" * 30)  # compared as numbers, not text
    assert not Shard("s", None, None).precedes_trim_horizon("1")
