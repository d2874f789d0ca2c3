"""The event store contract, and DynamoDB-specific behaviour, against DynamoDB on moto."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from domain.user_account import NotCreated
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.dynamodb_tables import ensure_tables
from interface_adapter.event_store.journal_item import persistence_id
from tests.support.event_store_contract import (
    SNAPSHOT_INTERVAL,
    ContractRepository,
    EventStoreContract,
    History,
    append,
    one_by_one,
)
from tests.support.moto_server import DynamoDbTables

pytestmark = pytest.mark.integration


def repository_on(client: Any, tables: DynamoDbTables) -> DynamoDbUserAccountRepository:
    return DynamoDbUserAccountRepository(
        client, tables.journal, tables.snapshot, snapshot_interval=SNAPSHOT_INTERVAL
    )


class TestDynamoDbUserAccountRepository(EventStoreContract):
    @pytest.fixture
    def repository(self, dynamodb: Any, dynamodb_tables: DynamoDbTables) -> ContractRepository:
        return repository_on(dynamodb, dynamodb_tables)


class PagingClient:
    """The real client, but every Query answers at most `page_size` items per page."""

    def __init__(self, client: Any, page_size: int) -> None:
        self._client = client
        self._page_size = page_size
        self.query_calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def query(self, **kwargs: Any) -> dict[str, Any]:
        self.query_calls += 1
        response: dict[str, Any] = await self._client.query(Limit=self._page_size, **kwargs)
        return response


async def test_load_follows_every_query_page(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    paging = PagingClient(dynamodb, page_size=2)
    repository = DynamoDbUserAccountRepository(
        paging, dynamodb_tables.journal, dynamodb_tables.snapshot, snapshot_interval=1000
    )
    history = History()
    state = await append(repository, NotCreated(history.id), [history.created()])
    state = await one_by_one(repository, state, history.after(state, 6))
    paging.query_calls = 0
    assert await repository.load(history.id) == state
    assert paging.query_calls >= 4
    assert len(await repository.read_events(history.id, 0)) == 7


async def test_journal_items_have_the_documented_attributes(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    repository = repository_on(dynamodb, dynamodb_tables)
    history = History()
    created = history.created()
    await append(repository, NotCreated(history.id), [created])
    response = await dynamodb.get_item(
        TableName=dynamodb_tables.journal,
        Key={"pkey": {"S": f"UserAccount-{history.id.value}"}, "skey": {"N": "1"}},
    )
    item = response["Item"]
    assert item["aggregate_id"] == {"S": history.id.value}
    assert item["event_id"] == {"S": created.event_id}
    assert item["event_type"] == {"S": "UserAccountEvent.Created"}
    assert item["event_version"] == {"S": "V1"}
    assert item["occurred_at"] == {"S": "2026-11-26T03:04:05.123456Z"}
    assert isinstance(item["payload"]["B"], bytes)


async def test_journal_table_streams_new_images(dynamodb: Any) -> None:
    await ensure_tables(dynamodb, "journal-streams-check", "snapshot-streams-check")
    # Idempotent: a second call finds both tables and changes nothing.
    await ensure_tables(dynamodb, "journal-streams-check", "snapshot-streams-check")
    try:
        table = (await dynamodb.describe_table(TableName="journal-streams-check"))["Table"]
        assert table["StreamSpecification"] == {
            "StreamEnabled": True,
            "StreamViewType": "NEW_IMAGE",
        }
        assert table["TableStatus"] == "ACTIVE"
        assert "LatestStreamArn" in table
    finally:
        for name in ("journal-streams-check", "snapshot-streams-check"):
            await dynamodb.delete_table(TableName=name)


async def test_a_failed_snapshot_write_does_not_fail_the_append(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, caplog: pytest.LogCaptureFixture
) -> None:
    # No snapshot table by that name: every snapshot write fails.
    repository = DynamoDbUserAccountRepository(
        dynamodb, dynamodb_tables.journal, "no-such-table", snapshot_interval=1
    )
    history = History()
    with caplog.at_level("WARNING"):
        await append(repository, NotCreated(history.id), [history.created()])
    assert [event.seq_nr for event in await repository.read_events(history.id, 0)] == [1]
    assert "snapshot write failed" in caplog.text


async def test_other_errors_propagate_as_they_are(dynamodb: Any) -> None:
    repository = DynamoDbUserAccountRepository(
        dynamodb, "no-such-journal", "no-such-snapshot", snapshot_interval=SNAPSHOT_INTERVAL
    )
    history = History()
    with pytest.raises(ClientError) as raised:
        await append(repository, NotCreated(history.id), [history.created()])
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


async def test_the_snapshot_item_is_keyed_by_persistence_id(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    repository = repository_on(dynamodb, dynamodb_tables)
    history = History()
    state = await append(repository, NotCreated(history.id), [history.created()])
    await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL - 1))
    response = await dynamodb.get_item(
        TableName=dynamodb_tables.snapshot, Key={"pkey": {"S": persistence_id(history.id)}}
    )
    assert response["Item"]["seq_nr"] == {"N": str(SNAPSHOT_INTERVAL)}
