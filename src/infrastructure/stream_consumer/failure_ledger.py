"""The failed attempts of one batch's records, and which of them are parked, and why."""

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infrastructure.stream_consumer.checkpoint_store import DeadLetter, ShardRef
from infrastructure.stream_consumer.record_handler import FailureKind, RecordFailure
from infrastructure.stream_consumer.record_json import as_lambda_record
from infrastructure.stream_consumer.trace_attributes import record_trace

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class FailureLedger:
    """Counts each record's own failures and parks the records that must wait for an operator.

    A record is parked after `max_attempts` failures that are its own (undecodable data, a
    history that cannot apply); failures of the infrastructure are not counted here at all. A
    record of an entity that already has a parked record is parked at its first failure: the
    entity is stuck until an operator acts, and waiting again would only hold the shard up.
    Records held back behind a parked record of their partition key are parked with it.
    """

    shard: ShardRef
    max_attempts: int
    # The batch's raw records by sequence number: what a dead letter keeps.
    records: Mapping[str, Mapping[str, Any]]
    attempts: dict[str, int] = field(default_factory=dict)
    first_failed_at: dict[str, datetime] = field(default_factory=dict)
    parked: list[DeadLetter] = field(default_factory=list)
    parked_entities: set[str] = field(default_factory=set)

    def failing_entities(self, failures: Sequence[RecordFailure]) -> set[str]:
        """The entities of the records that failed on their own."""
        return {
            entity_id
            for failure in failures
            if failure.record_fault and (entity_id := failure.entity_id)
        }

    def settle(
        self, failures: Sequence[RecordFailure], blocked: Collection[str], now: datetime
    ) -> list[RecordFailure]:
        """Count this round's failures and park what is done for; the failures left to retry.
        `blocked`: entities known to have parked records (from earlier batches or this one)."""
        to_park: list[RecordFailure] = []
        for failure in failures:
            if not failure.record_fault:
                continue
            number = failure.sequence_number
            self.attempts[number] = self.attempts.get(number, 0) + 1
            self.first_failed_at.setdefault(number, now)
            if self.attempts[number] >= self.max_attempts or failure.entity_id in blocked:
                to_park.append(failure)
        parked_keys = {failure.partition_key for failure in to_park}
        to_park += [
            failure
            for failure in failures
            if failure.kind is FailureKind.HELD_BACK and failure.partition_key in parked_keys
        ]
        for failure in to_park:
            self._park(failure, blocked, now)
        parked = {failure.sequence_number for failure in to_park}
        return [failure for failure in failures if failure.sequence_number not in parked]

    def _park(self, failure: RecordFailure, blocked: Collection[str], now: datetime) -> None:
        number = failure.sequence_number
        error = failure.error
        if failure.record_fault and failure.entity_id in blocked:
            error += " (its aggregate already has parked records)"
        trace = record_trace(self.records[number])
        letter = DeadLetter(
            sequence_number=number,
            entity_id=failure.entity_id,
            record=as_lambda_record(self.records[number], self.shard.stream_arn),
            error=error,
            # A record held back was never tried: it still counts as one failed delivery.
            attempts=max(self.attempts.get(number, 0), 1),
            first_failed_at=self.first_failed_at.get(number, now),
            last_failed_at=now,
            correlation_id=trace.correlation_id,
            traceparent=trace.traceparent,
        )
        self.parked.append(letter)
        if failure.entity_id is not None:
            self.parked_entities.add(failure.entity_id)
        logger.error(
            "stream record parked in the dead-letter table",
            extra={
                "shard_id": self.shard.shard_id,
                "sequence_number": number,
                "aggregate_key": failure.partition_key,
                "attempts": letter.attempts,
                "error": error,
                **trace.log_fields(),
            },
        )
