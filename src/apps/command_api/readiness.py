"""Readiness checks of the Command API: its event store answers."""

from infrastructure.dynamodb.client import DynamoDbClient


class JournalTableCheck:
    """Ready when DynamoDB describes the journal table (it exists and the endpoint answers)."""

    def __init__(self, client: DynamoDbClient, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    async def __call__(self) -> None:
        await self._client.describe_table(TableName=self._table_name)


async def in_memory_ready() -> None:
    """The in-memory event store lives in the process: it is ready while the process runs."""
