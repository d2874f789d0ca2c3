"""An AWS Lambda DynamoDB Streams event applied, answered with ReportBatchItemFailures."""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from infrastructure.stream_consumer import (
    RecordFailure,
    StreamRecordHandler,
    record_trace,
    sequence_number_of,
)
from infrastructure.tracing.batch_spans import batch_span

logger = logging.getLogger(__name__)


async def handle_stream_event(
    handler: StreamRecordHandler, event: Mapping[str, Any]
) -> dict[str, list[dict[str, str]]]:
    """`{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, …]}` for every record that
    was not applied: undecodable ones, those of aggregates the projection could not move, and
    every later record of the same aggregate (all later records, when a broken record does not
    name its aggregate). Lambda retries from the first of them, so order per aggregate is kept.

    A read-model outage raises: Lambda then retries the whole batch, which applying idempotently
    makes harmless.
    """
    raw_records = event.get("Records") or []
    stream_arn = raw_records[0].get("eventSourceARN") if raw_records else None
    traceparents = (record_trace(record).traceparent for record in raw_records)
    with batch_span(stream_arn, None, traceparents, len(raw_records)):
        outcome = await handler(raw_records)
    logger.info(
        "stream batch applied",
        extra={
            "records": len(raw_records),
            "applied": outcome.applied,
            "duplicates": outcome.duplicates,
            "gaps_filled": outcome.gaps_filled,
            "ignored": outcome.ignored,
            "failed": len(outcome.failures),
            "event_source_arn": stream_arn,
        },
    )
    if logger.isEnabledFor(logging.DEBUG):
        _log_applied(raw_records, outcome.failures)
    by_number = {sequence_number_of(record): record for record in raw_records}
    for failure in outcome.failures:
        logger.warning(
            "stream record not applied",
            extra={
                "sequence_number": failure.sequence_number,
                "aggregate_key": failure.partition_key,
                "reason": failure.kind.value,
                "error": failure.error,
                **record_trace(by_number[failure.sequence_number]).log_fields(),
            },
        )
    return {
        "batchItemFailures": [
            {"itemIdentifier": failure.sequence_number} for failure in outcome.failures
        ]
    }


def _log_applied(records: Sequence[Mapping[str, Any]], failures: Sequence[RecordFailure]) -> None:
    """A DEBUG line per record applied (or found applied before, or ignored), with the trace
    context of the request that wrote it."""
    failed = {failure.sequence_number for failure in failures}
    for record in records:
        number = sequence_number_of(record)
        if number not in failed:
            logger.debug(
                "stream record applied",
                extra={"sequence_number": number, **record_trace(record).log_fields()},
            )
