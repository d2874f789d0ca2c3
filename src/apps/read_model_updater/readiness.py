"""Readiness checks of the local updater: PostgreSQL, the journal's stream, its shard leases."""

from infrastructure.dynamodb.client import DynamoDbClient, DynamoDbStreamsClient
from infrastructure.stream_consumer import ShardLeases, latest_stream_arn


class StreamCheck:
    """Ready when the journal table has a stream and DynamoDB Streams describes it."""

    def __init__(
        self, dynamodb: DynamoDbClient, streams: DynamoDbStreamsClient, table_name: str
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table_name = table_name

    async def __call__(self) -> None:
        stream_arn = await latest_stream_arn(self._dynamodb, self._table_name)
        if stream_arn is None:
            raise LookupError(f"the table {self._table_name} has no stream (or does not exist)")
        await self._streams.describe_stream(StreamArn=stream_arn, Limit=1)


class LeaseCheck:
    """Ready while the updater holds a shard lease or stands by for one (the lease table
    answered it lately); not while it cannot reach the lease table, nor before it first did."""

    def __init__(self, leases: ShardLeases) -> None:
        self._leases = leases

    async def __call__(self) -> None:
        if not self._leases.waiting_or_holding():
            raise TimeoutError("the lease table has not answered within the lease time")
