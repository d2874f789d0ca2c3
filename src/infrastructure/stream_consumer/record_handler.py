"""The consumer's one port: what applies a batch of raw stream records, and what it reports."""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class FailureKind(enum.Enum):
    UNDECODABLE = "undecodable"
    # The target reported the record's entity as failed: none of its records were applied.
    NOT_APPLIED = "not applied"
    # Not tried, to keep order: an earlier record of its partition key (or of an unknown one)
    # failed.
    HELD_BACK = "held back"


@dataclass(frozen=True, slots=True)
class RecordFailure:
    sequence_number: str
    # The item's partition key as the record names it (the unit of order within a batch);
    # None when the record names none.
    partition_key: str | None
    # What a dead letter is filed under (for user accounts: the account id); None when unknown.
    entity_id: str | None
    kind: FailureKind
    error: str
    # The failure says something about the record (counts toward parking), not about a
    # service that was unreachable.
    record_fault: bool


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    applied: int
    duplicates: int
    gaps_filled: int
    ignored: int
    # In batch order.
    failures: list[RecordFailure]


class StreamRecordHandler(Protocol):
    """Applies a batch of raw stream records and reports each one it could not apply.

    The consumer reads, retries, parks and checkpoints; what the records mean is the handler's
    business. The handler reports each record it could not apply; the consumer needs no more of a
    record than its sequence number and these reports to keep order, park and move on.
    """

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        """Apply raw stream records (SDK or Lambda JSON shape); raise when the target is
        unreachable (nothing reported)."""
        ...
