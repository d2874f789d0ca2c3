"""Where a shard's reader stands, for an operator: the first record after a checkpoint (how far
behind it is) and the last record the shard holds now (what skipping to the end passes over)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from infrastructure.dynamodb.client import DynamoDbStreamsClient, error_code
from infrastructure.stream_consumer.record_json import sequence_number_of

_PAGE = 1000


@dataclass(frozen=True, slots=True)
class ShardEndPosition:
    # The last record's sequence number; the position read after when no record came.
    last_sequence_number: str | None
    # The records read after the position (from the trim horizon when it was unusable).
    records_after: int


async def first_record_after(
    streams: DynamoDbStreamsClient, stream_arn: str, shard_id: str, position: str | None
) -> Mapping[str, Any] | None:
    """The oldest record the reader of a checkpoint at `position` has not applied; None when
    it has applied everything the shard holds (as far as one GetRecords call tells)."""
    iterator = await _iterator(streams, stream_arn, shard_id, position)
    response = await streams.get_records(ShardIterator=iterator, Limit=1)
    records: list[Mapping[str, Any]] = response.get("Records") or []
    return records[0] if records else None


async def shard_end(
    streams: DynamoDbStreamsClient,
    stream_arn: str,
    shard_id: str,
    position: str | None,
    on_records: Callable[[int], None] = lambda count: None,
) -> ShardEndPosition:
    """Read the shard after `position` (TRIM_HORIZON when None) to the end of what it holds:
    a closed shard to its end, an open one up to the first GetRecords answer without records.
    `on_records` is told the size of every answer (a progress display)."""
    iterator: str | None = await _iterator(streams, stream_arn, shard_id, position)
    last, count = position, 0
    while iterator is not None:
        response = await streams.get_records(ShardIterator=iterator, Limit=_PAGE)
        records: list[Mapping[str, Any]] = response.get("Records") or []
        if not records:
            break
        last = sequence_number_of(records[-1])
        count += len(records)
        on_records(len(records))
        iterator = response.get("NextShardIterator")
    return ShardEndPosition(last, count)


async def _iterator(
    streams: DynamoDbStreamsClient, stream_arn: str, shard_id: str, position: str | None
) -> str:
    """After `position`; from the trim horizon when it is None or no longer readable (trimmed,
    or of another incarnation of the stream): what the poller's reader would do."""
    request: dict[str, str] = {"StreamArn": stream_arn, "ShardId": shard_id}
    if position is not None:
        try:
            response = await streams.get_shard_iterator(
                **request, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=position
            )
        except ClientError as error:
            if error_code(error) not in ("TrimmedDataAccessException", "ValidationException"):
                raise
        else:
            iterator: str = response["ShardIterator"]
            return iterator
    response = await streams.get_shard_iterator(**request, ShardIteratorType="TRIM_HORIZON")
    horizon: str = response["ShardIterator"]
    return horizon
