"""The DynamoDB Streams calls the poller makes, as a Protocol (aiobotocore's client is untyped)."""

from typing import Any, Protocol


class DynamoDbStreamsClient(Protocol):
    """An aiobotocore `dynamodbstreams` client; every call takes the AWS API's keyword arguments."""

    async def describe_stream(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_records(self, **kwargs: Any) -> dict[str, Any]: ...
