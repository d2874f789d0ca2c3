"""Finding the journal's stream (DescribeTable) and its shards (DescribeStream, paginated)."""

import asyncio
import logging

from botocore.exceptions import ClientError

from infrastructure.backoff import Backoff, sleep_unless_set
from infrastructure.dynamodb.client import DynamoDbClient, DynamoDbStreamsClient, error_code
from infrastructure.stream_consumer.shards import Shard

logger = logging.getLogger(__name__)

# How often a missing table or stream is looked for again.
TABLE_WAIT_SECONDS = 1.0


class StreamGoneError(Exception):
    """The stream (or its table) no longer exists: find the table's current stream again."""


async def latest_stream_arn(client: DynamoDbClient, table_name: str) -> str | None:
    """The ARN of the table's current stream; None while the table or its stream is missing."""
    try:
        description = await client.describe_table(TableName=table_name)
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            return None
        raise
    table = description["Table"]
    if table.get("TableStatus") not in (None, "ACTIVE", "UPDATING"):
        return None
    arn = table.get("LatestStreamArn")
    return arn if isinstance(arn, str) else None


async def describe_shards(client: DynamoDbStreamsClient, stream_arn: str) -> list[Shard]:
    """Every shard the stream lists, following `LastEvaluatedShardId`."""
    shards: list[Shard] = []
    request: dict[str, str] = {"StreamArn": stream_arn}
    while True:
        try:
            response = await client.describe_stream(**request)
        except ClientError as error:
            if error_code(error) == "ResourceNotFoundException":
                raise StreamGoneError(stream_arn) from error
            raise
        description = response["StreamDescription"]
        shards.extend(Shard.from_description(shard) for shard in description.get("Shards", []))
        last = description.get("LastEvaluatedShardId")
        if not last:
            return shards
        request["ExclusiveStartShardId"] = last


async def wait_for_stream_arn(
    client: DynamoDbClient, table_name: str, retry: Backoff, stop: asyncio.Event
) -> str | None:
    """The table's current stream ARN, once there is one; None when stopped first."""
    failures = 0
    announced = False
    while not stop.is_set():
        try:
            stream_arn = await latest_stream_arn(client, table_name)
        except Exception as error:
            failures += 1
            delay = retry.delay(failures)
            logger.warning(
                "cannot describe the journal table; retrying",
                extra={
                    "table": table_name,
                    "retry_in_ms": int(delay * 1000),
                    "error": f"{type(error).__name__}: {error}",
                },
            )
            await sleep_unless_set(stop, delay)
            continue
        if stream_arn is not None:
            logger.info("following the journal's stream", extra={"stream_arn": stream_arn})
            return stream_arn
        if not announced:
            logger.info("waiting for the journal table and its stream", extra={"table": table_name})
            announced = True
        await sleep_unless_set(stop, TABLE_WAIT_SECONDS)
    return None
