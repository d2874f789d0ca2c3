"""The DynamoDB and DynamoDB Streams calls this code makes, as Protocols (aiobotocore's clients
are untyped), and the error code of a failed call."""

from typing import Any, Protocol


class DynamoDbClient(Protocol):
    """An aiobotocore `dynamodb` client; every call takes the AWS API's keyword arguments."""

    async def put_item(self, **kwargs: Any) -> dict[str, Any]: ...

    async def transact_write_items(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_item(self, **kwargs: Any) -> dict[str, Any]: ...

    async def delete_item(self, **kwargs: Any) -> dict[str, Any]: ...

    async def query(self, **kwargs: Any) -> dict[str, Any]: ...

    async def describe_table(self, **kwargs: Any) -> dict[str, Any]: ...

    async def create_table(self, **kwargs: Any) -> dict[str, Any]: ...


class DynamoDbStreamsClient(Protocol):
    """An aiobotocore `dynamodbstreams` client; every call takes the AWS API's keyword arguments."""

    async def describe_stream(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_records(self, **kwargs: Any) -> dict[str, Any]: ...


def error_code(error: Exception) -> str | None:
    """The AWS error code of a botocore ClientError (e.g. "ConditionalCheckFailedException")."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None
