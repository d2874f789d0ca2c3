"""An AWS Lambda DynamoDB Streams event applied, answered with ReportBatchItemFailures."""

import logging
from collections.abc import Mapping
from typing import Any

from infrastructure.stream_consumer import StreamRecordHandler

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
            "event_source_arn": raw_records[0].get("eventSourceARN") if raw_records else None,
        },
    )
    for failure in outcome.failures:
        logger.warning(
            "stream record not applied",
            extra={
                "sequence_number": failure.sequence_number,
                "aggregate_key": failure.partition_key,
                "reason": failure.kind.value,
                "error": failure.error,
            },
        )
    return {
        "batchItemFailures": [
            {"itemIdentifier": failure.sequence_number} for failure in outcome.failures
        ]
    }
