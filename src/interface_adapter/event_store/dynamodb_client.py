"""The DynamoDB calls the event store makes, as a Protocol (aiobotocore's client is untyped)."""

from typing import Any, Protocol


class DynamoDbClient(Protocol):
    """An aiobotocore `dynamodb` client; every call takes the AWS API's keyword arguments."""

    async def put_item(self, **kwargs: Any) -> dict[str, Any]: ...

    async def transact_write_items(self, **kwargs: Any) -> dict[str, Any]: ...

    async def get_item(self, **kwargs: Any) -> dict[str, Any]: ...

    async def query(self, **kwargs: Any) -> dict[str, Any]: ...

    async def describe_table(self, **kwargs: Any) -> dict[str, Any]: ...

    async def create_table(self, **kwargs: Any) -> dict[str, Any]: ...


def error_code(error: Exception) -> str | None:
    """The AWS error code of a botocore ClientError (e.g. "ConditionalCheckFailedException")."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None
