"""ShardBatchRunner: one batch of one shard applied by the handler, failed records retried and
parked, then checkpointed."""

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infrastructure.backoff import sleep_unless_set
from infrastructure.stream_consumer.checkpoint_store import CheckpointStore, ShardRef
from infrastructure.stream_consumer.consumer_metrics import (
    APPLIED,
    INTERRUPTED,
    PARKED,
    ConsumerMetrics,
)
from infrastructure.stream_consumer.failure_ledger import FailureLedger
from infrastructure.stream_consumer.poller_options import PollerOptions
from infrastructure.stream_consumer.progress_log import ProgressLog
from infrastructure.stream_consumer.record_handler import (
    FailureKind,
    RecordFailure,
    StreamRecordHandler,
)
from infrastructure.stream_consumer.record_json import record_time, sequence_number_of
from infrastructure.stream_consumer.trace_attributes import record_trace
from infrastructure.tracing.batch_spans import batch_span

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BatchResult:
    # The shard's checkpoint after the batch; None when it did not move.
    position: str | None
    # False: a stop came before every record was applied or parked (the rest comes again).
    complete: bool


@dataclass(slots=True)
class _Tally:
    ledger: FailureLedger
    applied: int = 0
    duplicates: int = 0
    gaps_filled: int = 0
    ignored: int = 0
    infra_failures: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ShardBatchRunner:
    """Hands the batch to the handler until every record is applied or parked (or a stop
    comes), then parks and checkpoints in one commit.

    Record failures are retried with backoff and parked by the FailureLedger's rules. Failures
    of the infrastructure (the handler's target or a service it reads unreachable) are retried
    without limit and never park anything. Later records of an entity with a parked record are
    still tried: when the handler can apply them again (the journal has become readable, a
    decoder for a newer event version deployed, say), the entity moves on in order. Never
    applying a record after a missing predecessor, whatever is parked, is the handler's part
    (the projection's version gate).
    """

    def __init__(
        self,
        handler: StreamRecordHandler,
        checkpoints: CheckpointStore,
        options: PollerOptions,
        progress: ProgressLog,
        now: Callable[[], datetime] = _utc_now,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        self._handler = handler
        self._checkpoints = checkpoints
        self._options = options
        self._progress = progress
        self._now = now
        self._metrics = ConsumerMetrics() if metrics is None else metrics

    async def __call__(
        self, shard: ShardRef, raw_records: Sequence[Mapping[str, Any]], stop: asyncio.Event
    ) -> BatchResult:
        traceparents = (record_trace(record).traceparent for record in raw_records)
        with batch_span(shard.stream_arn, shard.shard_id, traceparents, len(raw_records)):
            return await self._run(shard, raw_records, stop)

    async def _run(
        self, shard: ShardRef, raw_records: Sequence[Mapping[str, Any]], stop: asyncio.Event
    ) -> BatchResult:
        # A record without a sequence number raises here, before anything is applied.
        numbers = [sequence_number_of(record) for record in raw_records]
        by_number = dict(zip(numbers, raw_records, strict=True))
        tally = _Tally(FailureLedger(shard, self._options.max_attempts, by_number))
        pending: list[Mapping[str, Any]] = list(raw_records)
        record_rounds = 0
        while pending:
            try:
                outcome = await self._handler(pending)
                blocked = await self._blocked_entities(outcome.failures, tally.ledger)
            except Exception as error:
                # Not the records' fault: count nothing toward parking, wait and try again.
                if await self._wait_after_infra_failure(error, tally, stop):
                    break
                continue
            if not any(_unreachable(failure) for failure in outcome.failures):
                tally.infra_failures = 0
            if logger.isEnabledFor(logging.DEBUG):
                _log_handled(shard, pending, outcome.failures)
            tally.applied += outcome.applied
            tally.duplicates += outcome.duplicates
            tally.gaps_filled += outcome.gaps_filled
            tally.ignored += outcome.ignored
            parked_before = len(tally.ledger.parked)
            remaining = tally.ledger.settle(outcome.failures, blocked, self._now())
            self._progress.parked(len(tally.ledger.parked) - parked_before)
            pending = [by_number[failure.sequence_number] for failure in remaining]
            if not pending:
                break
            self._progress.retried(len(pending))
            if any(failure.record_fault for failure in remaining):
                record_rounds += 1
                delay = self._options.retry.delay(record_rounds)
                logger.warning(
                    "stream records failed; retrying",
                    extra={
                        "shard_id": shard.shard_id,
                        "records": len(pending),
                        "retry_in_ms": int(delay * 1000),
                        "first_error": remaining[0].error,
                        # The record of that error, and the request that wrote it.
                        "sequence_number": remaining[0].sequence_number,
                        **record_trace(by_number[remaining[0].sequence_number]).log_fields(),
                    },
                )
                if await sleep_unless_set(stop, delay):
                    break
            elif await self._wait_after_infra_failure(remaining[0].error, tally, stop):
                break
        position = _position(numbers, {sequence_number_of(record) for record in pending})
        if not await self._commit(shard, position, tally, stop):
            self._count(shard, INTERRUPTED, tally, None)
            return BatchResult(None, complete=False)
        self._report(shard, raw_records, tally, complete=not pending)
        return BatchResult(position, complete=not pending)

    async def _blocked_entities(
        self, failures: Sequence[RecordFailure], ledger: FailureLedger
    ) -> set[str]:
        """The failing entities that already have a parked record."""
        failing = ledger.failing_entities(failures)
        unknown = failing - ledger.parked_entities
        parked_before = await self._checkpoints.parked_entities(unknown) if unknown else set()
        return (failing & ledger.parked_entities) | parked_before

    async def _wait_after_infra_failure(
        self, error: BaseException | str, tally: _Tally, stop: asyncio.Event
    ) -> bool:
        """Log and wait before the next try (capped backoff, no limit); True when stopping."""
        tally.infra_failures += 1
        delay = self._options.retry.delay(tally.infra_failures)
        logger.warning(
            "the read model or the journal is unavailable; retrying",
            extra={
                "retry": tally.infra_failures,
                "retry_in_ms": int(delay * 1000),
                "error": error if isinstance(error, str) else f"{type(error).__name__}: {error}",
            },
        )
        return await sleep_unless_set(stop, delay)

    async def _commit(
        self, shard: ShardRef, position: str | None, tally: _Tally, stop: asyncio.Event
    ) -> bool:
        """Park and checkpoint in one transaction, retrying while the database is away."""
        parked = tally.ledger.parked
        if position is None and not parked:
            return True
        while True:
            try:
                await self._checkpoints.commit(shard, position, parked)
            except Exception as error:
                if stop.is_set():
                    logger.warning(
                        "stopping without checkpointing the batch in hand; it will come again",
                        extra={"shard_id": shard.shard_id, "error": str(error)},
                    )
                    return False
                # A stop during the wait still gets one more try: what is done should stick.
                await self._wait_after_infra_failure(error, tally, stop)
                continue
            return True

    def _report(
        self,
        shard: ShardRef,
        raw_records: Sequence[Mapping[str, Any]],
        tally: _Tally,
        *,
        complete: bool,
    ) -> None:
        newest = record_time(raw_records[-1]) if raw_records else None
        now = self._now()
        self._progress.batch(
            records=len(raw_records),
            applied=tally.applied,
            duplicates=tally.duplicates,
            gaps_filled=tally.gaps_filled,
            ignored=tally.ignored,
            lag_seconds=None if newest is None else (now - newest).total_seconds(),
        )
        result = INTERRUPTED if not complete else PARKED if tally.ledger.parked else APPLIED
        self._count(shard, result, tally, newest, now)

    def _count(
        self,
        shard: ShardRef,
        result: str,
        tally: _Tally,
        newest: datetime | None,
        now: datetime | None = None,
    ) -> None:
        events = tally.applied + tally.gaps_filled
        self._metrics.batch_done(shard.shard_id, result, events, newest, now or self._now())


def _log_handled(
    shard: ShardRef, records: Sequence[Mapping[str, Any]], failures: Sequence[RecordFailure]
) -> None:
    """A DEBUG line per record the handler applied (or found applied before, or ignored), with
    the trace context of the request that wrote it."""
    failed = {failure.sequence_number for failure in failures}
    for record in records:
        number = sequence_number_of(record)
        if number not in failed:
            logger.debug(
                "stream record applied",
                extra={
                    "shard_id": shard.shard_id,
                    "sequence_number": number,
                    **record_trace(record).log_fields(),
                },
            )


def _unreachable(failure: RecordFailure) -> bool:
    """The record's entity failed because a service could not be reached (a journal read)."""
    return failure.kind is FailureKind.NOT_APPLIED and not failure.record_fault


def _position(numbers: Sequence[str], waiting: Collection[str]) -> str | None:
    """The last record before the first one still pending (all of them when none is)."""
    previous: str | None = None
    for number in numbers:
        if number in waiting:
            return previous
        previous = number
    return previous
