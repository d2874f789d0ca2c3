"""Parked records handed to the handler again: those applied leave the dead-letter table, those
that fail again stay, with one more attempt counted."""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from infrastructure.stream_consumer.checkpoint_store import CheckpointStore, StoredDeadLetter
from infrastructure.stream_consumer.record_handler import StreamRecordHandler


@dataclass(slots=True)
class RetryResult:
    # The ids of the letters applied (and removed).
    applied: list[int] = field(default_factory=list)
    # The letters that failed again, by id: the new error.
    failed: dict[int, str] = field(default_factory=dict)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DeadLetterRetry:
    """Re-applies parked records through the handler the poller uses.

    The letters of one shard go to the handler together, in the order they were parked: a
    handler keeps each entity's order within a call, so an entity's parked records apply in
    turn. A letter is removed only once applied; one that fails again keeps its place, its
    error replaced by the new one. When the handler raises (its target unreachable), nothing
    is counted for that call and the error propagates: the letters stay as they were.
    """

    def __init__(
        self,
        handler: StreamRecordHandler,
        store: CheckpointStore,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._handler = handler
        self._store = store
        self._now = now

    async def __call__(self, letters: Sequence[StoredDeadLetter]) -> RetryResult:
        result = RetryResult()
        in_order = sorted(letters, key=lambda stored: (stored.stream_arn, stored.shard_id))
        for _, group in itertools.groupby(
            in_order, key=lambda stored: (stored.stream_arn, stored.shard_id)
        ):
            shard_letters = sorted(group, key=lambda stored: stored.letter_id)
            await self._retry_shard(shard_letters, result)
        return result

    async def _retry_shard(self, letters: list[StoredDeadLetter], result: RetryResult) -> None:
        outcome = await self._handler([stored.letter.record for stored in letters])
        errors = {failure.sequence_number: failure.error for failure in outcome.failures}
        at = self._now()
        applied: list[int] = []
        for stored in letters:
            error = errors.get(stored.letter.sequence_number)
            if error is None:
                applied.append(stored.letter_id)
            elif await self._store.count_failed_retry(stored.letter_id, error, at):
                result.failed[stored.letter_id] = error
        await self._store.delete_dead_letters(applied)
        result.applied += applied
