"""Shards of a stream and their lineage: a child is read only once its parent is finished."""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Shard:
    shard_id: str
    parent_shard_id: str | None
    starting_sequence_number: str | None
    # Set once the shard is closed: no record will be added after it.
    ending_sequence_number: str | None = None

    @staticmethod
    def from_description(description: Mapping[str, Any]) -> "Shard":
        """A shard of DescribeStream's `StreamDescription.Shards`."""
        numbers = description.get("SequenceNumberRange", {})
        return Shard(
            shard_id=description["ShardId"],
            parent_shard_id=description.get("ParentShardId"),
            starting_sequence_number=numbers.get("StartingSequenceNumber"),
            ending_sequence_number=numbers.get("EndingSequenceNumber"),
        )

    def precedes_trim_horizon(self, sequence_number: str) -> bool:
        """True when `sequence_number` comes before this shard's first kept record: reading
        after it is impossible (the data is trimmed, or it belongs to an older stream)."""
        start = self.starting_sequence_number
        return start is not None and int(sequence_number) < int(start)


def lineage_order(shards: Iterable[Shard]) -> list[Shard]:
    """Parents before children; a parent the stream no longer lists counts as a root."""
    by_id = {shard.shard_id: shard for shard in shards}
    ordered: list[Shard] = []
    placed: set[str] = set()

    def place(shard: Shard, path: frozenset[str]) -> None:
        if shard.shard_id in placed:
            return
        parent = by_id.get(shard.parent_shard_id or "")
        if parent is not None and parent.shard_id not in path:  # a cycle would be AWS's bug
            place(parent, path | {shard.shard_id})
        placed.add(shard.shard_id)
        ordered.append(shard)

    for shard in sorted(by_id.values(), key=lambda s: s.shard_id):
        place(shard, frozenset())
    return ordered


def ready_to_read(
    shards: Iterable[Shard], finished: Collection[str], busy: Collection[str]
) -> list[Shard]:
    """The shards to start now, parents first: not finished, not being read, and whose parent
    is finished or no longer in the stream (expired after being read, or before we started)."""
    ordered = lineage_order(shards)
    listed = {shard.shard_id for shard in ordered}
    return [
        shard
        for shard in ordered
        if shard.shard_id not in finished
        and shard.shard_id not in busy
        and (
            shard.parent_shard_id is None
            or shard.parent_shard_id not in listed
            or shard.parent_shard_id in finished
        )
    ]
