"""Readiness checks of the Command API: its event store answers, its key wrapper can wrap."""

from infrastructure.crypto import KeyWrapper
from infrastructure.dynamodb.client import DynamoDbClient


class JournalTableCheck:
    """Ready when DynamoDB describes the journal table (it exists and the endpoint answers)."""

    def __init__(self, client: DynamoDbClient, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    async def __call__(self) -> None:
        await self._client.describe_table(TableName=self._table_name)


class KeyWrapperCheck:
    """Ready when the key wrapper can work: the local key-encryption key is read (made on first
    use); KMS is asked on each call, so it needs nothing here."""

    def __init__(self, wrapper: KeyWrapper) -> None:
        self._wrapper = wrapper

    async def __call__(self) -> None:
        await self._wrapper.ready()


async def in_memory_ready() -> None:
    """The in-memory event store lives in the process: it is ready while the process runs."""
