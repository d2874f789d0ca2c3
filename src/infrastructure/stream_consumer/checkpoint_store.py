"""CheckpointStore: where the local poller stands in each shard, and the records it parked."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ShardRef:
    """One shard of one stream, as the checkpoints name it."""

    stream_arn: str
    shard_id: str
    table_name: str
    parent_shard_id: str | None = None


@dataclass(frozen=True, slots=True)
class ShardCheckpoint:
    shard: ShardRef
    # The last record applied or parked; None: nothing read yet (start at TRIM_HORIZON).
    last_sequence_number: str | None
    # The shard is closed and was read to its end: its children may be read.
    finished: bool


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that failed too often, parked so that the rest of the stream goes on."""

    sequence_number: str
    # What the record is filed under (its failure's entity_id); None when unknown.
    entity_id: str | None
    # The record in the AWS Lambda event shape (JSON-ready), to inspect or replay it.
    record: Mapping[str, Any]
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    # Of the request that wrote the record's item (SPEC §10.2); None when it carries none.
    correlation_id: str | None = None
    traceparent: str | None = None


@dataclass(frozen=True, slots=True)
class StoredDeadLetter:
    """A parked record as the store keeps it: the id an operator names it by, and its shard."""

    letter_id: int
    stream_arn: str
    shard_id: str
    letter: DeadLetter


@dataclass(frozen=True, slots=True)
class DeadLetterSummary:
    count: int
    # The highest id (what a purge of all of them goes up to); None when there are none.
    last_id: int | None
    oldest_failed_at: datetime | None


class CheckpointStore(Protocol):
    async def load(self, stream_arn: str) -> dict[str, ShardCheckpoint]:
        """The checkpoints of `stream_arn`, by shard id."""
        ...

    async def commit(
        self,
        shard: ShardRef,
        last_sequence_number: str | None,
        dead_letters: Sequence[DeadLetter] = (),
    ) -> None:
        """Park `dead_letters` and move the shard's checkpoint (None: leave it), atomically.
        A record parked again (after a restart) adds its attempts to the stored ones."""
        ...

    async def finish(self, shard: ShardRef) -> None:
        """Mark a closed shard as read to its end."""
        ...

    async def forget(self, stream_arn: str, shard_ids: Collection[str] | None = None) -> None:
        """Drop checkpoints of `stream_arn` (only those of `shard_ids` unless None)."""
        ...

    async def forget_other_streams(self, table_name: str, stream_arn: str) -> list[str]:
        """Drop the checkpoints of the table's other (older) streams; their ARNs."""
        ...

    async def parked_entities(self, entity_ids: Collection[str]) -> set[str]:
        """Those of `entity_ids` with at least one parked record."""
        ...

    # What an operator needs (python -m apps.admin dead-letters, checkpoints).

    async def summarize_dead_letters(self) -> DeadLetterSummary:
        """How many records are parked (of every stream), the last id, the oldest failure."""
        ...

    async def list_dead_letters(
        self, after_id: int = 0, limit: int = 100
    ) -> list[StoredDeadLetter]:
        """Parked records with an id above `after_id`, in the order they were parked."""
        ...

    async def get_dead_letter(self, letter_id: int) -> StoredDeadLetter | None:
        """The parked record of that id; None when there is none."""
        ...

    async def count_failed_retry(self, letter_id: int, error: str, at: datetime) -> bool:
        """One more failed attempt of a parked record (a retry that failed again): `error` is
        the new one. False when there is no such letter (any more)."""
        ...

    async def delete_dead_letters(self, letter_ids: Collection[int]) -> int:
        """Remove these parked records (applied by a retry, or purged); how many there were."""
        ...

    async def delete_dead_letters_through(self, last_id: int) -> int:
        """Remove every parked record with an id up to `last_id`; how many there were."""
        ...

    async def set_checkpoint(self, shard: ShardRef, last_sequence_number: str | None) -> None:
        """Put the shard's checkpoint at `last_sequence_number` exactly (None: TRIM_HORIZON)
        and mark it unfinished, whatever it was."""

    async def count_dead_letters(self) -> int:
        """How many records are parked, of every stream (the updater's metrics)."""
        ...
