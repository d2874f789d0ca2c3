"""The event store contract, and DynamoDB-specific behaviour, against DynamoDB on moto."""

from collections.abc import Sequence
from typing import Any

import pytest
from botocore.exceptions import ClientError

from domain.user_account import (
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
    replay,
)
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.dynamodb_tables import ensure_tables
from interface_adapter.event_store.journal_item import persistence_id
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support import recorded_v1
from tests.support.data_keys import WatchedDataKeys
from tests.support.event_store_contract import (
    SNAPSHOT_INTERVAL,
    ContractRepository,
    EventStoreContract,
    History,
    append,
    one_by_one,
)
from tests.support.moto_server import DynamoDbTables
from tests.support.v1_writer import v1_journal_item, v1_snapshot

pytestmark = pytest.mark.integration


def repository_on(
    client: Any, tables: DynamoDbTables, data_keys: DataKeys | None = None
) -> DynamoDbUserAccountRepository:
    return DynamoDbUserAccountRepository(
        client,
        tables.journal,
        tables.snapshot,
        snapshot_interval=SNAPSHOT_INTERVAL,
        data_keys=data_keys or InMemoryDataKeys(),
    )


class TestDynamoDbUserAccountRepository(EventStoreContract):
    @pytest.fixture
    def repository(
        self, dynamodb: Any, dynamodb_tables: DynamoDbTables, data_keys: WatchedDataKeys
    ) -> ContractRepository:
        self.client, self.tables = dynamodb, dynamodb_tables
        return repository_on(dynamodb, dynamodb_tables, data_keys)

    async def put_recorded_v1(
        self,
        repository: ContractRepository,
        events: Sequence[UserAccountEvent],
        snapshot: UserAccount | None = None,
    ) -> None:
        for event in events:
            await self.client.put_item(TableName=self.tables.journal, Item=v1_journal_item(event))
        if snapshot is not None:
            item = {
                "pkey": {"S": persistence_id(snapshot.id)},
                "seq_nr": {"N": str(snapshot.version)},
                "payload": {"B": v1_snapshot(snapshot)},
            }
            await self.client.put_item(TableName=self.tables.snapshot, Item=item)

    async def stored_values(
        self, repository: ContractRepository, aggregate_id: UserAccountId
    ) -> list[bytes]:
        key = {"pkey": {"S": persistence_id(aggregate_id)}}
        journal = await self.client.query(
            TableName=self.tables.journal,
            KeyConditionExpression="pkey = :pkey",
            ExpressionAttributeValues={":pkey": key["pkey"]},
            ConsistentRead=True,
        )
        snapshot = await self.client.get_item(TableName=self.tables.snapshot, Key=key)
        items = [*journal["Items"], *([snapshot["Item"]] if "Item" in snapshot else [])]
        return [_bytes(value) for item in items for value in item.values()]


def _bytes(attribute: dict[str, Any]) -> bytes:
    [(kind, value)] = attribute.items()
    return value if kind == "B" else str(value).encode()


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
        paging,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=1000,
        data_keys=InMemoryDataKeys(),
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
    assert item["event_version"] == {"S": "V2"}
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
        dynamodb,
        dynamodb_tables.journal,
        "no-such-table",
        snapshot_interval=1,
        data_keys=InMemoryDataKeys(),
    )
    history = History()
    with caplog.at_level("WARNING"):
        await append(repository, NotCreated(history.id), [history.created()])
    assert [event.seq_nr for event in await repository.read_events(history.id, 0)] == [1]
    assert "snapshot write failed" in caplog.text


async def test_other_errors_propagate_as_they_are(dynamodb: Any) -> None:
    repository = DynamoDbUserAccountRepository(
        dynamodb,
        "no-such-journal",
        "no-such-snapshot",
        snapshot_interval=SNAPSHOT_INTERVAL,
        data_keys=InMemoryDataKeys(),
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


# --- journals written by the previous version (V1, personal data in clear) ---


async def _put_all(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for item in items:
        await client.put_item(TableName=table, Item=item)


async def test_a_recorded_v1_history_loads_from_its_snapshot_and_from_the_start(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    await _put_all(dynamodb, dynamodb_tables.journal, recorded_v1.journal_items())
    keys = WatchedDataKeys()
    without_snapshot = repository_on(dynamodb, dynamodb_tables, keys)
    expected = replay(NotCreated(recorded_v1.ACCOUNT), recorded_v1.EVENTS)
    assert await without_snapshot.read_events(recorded_v1.ACCOUNT, 0) == recorded_v1.EVENTS
    assert await without_snapshot.load(recorded_v1.ACCOUNT) == expected
    await dynamodb.put_item(TableName=dynamodb_tables.snapshot, Item=recorded_v1.snapshot_item(2))
    assert await without_snapshot.load(recorded_v1.ACCOUNT) == expected
    assert keys.creates == {}  # loading V1 needs no key, and makes none


async def test_a_recorded_v1_account_gets_a_key_at_its_first_v2_event(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    await _put_all(dynamodb, dynamodb_tables.journal, recorded_v1.journal_items()[:3])
    keys = WatchedDataKeys()
    repository = repository_on(dynamodb, dynamodb_tables, keys)
    before = await repository.load(recorded_v1.ACCOUNT)
    assert isinstance(before, UserAccount)
    renamed = UserAccountRenamed(
        "01KB0000000000000000000099",
        recorded_v1.ACCOUNT,
        4,
        before.updated_at,
        before.name,
        UserAccountName("Saburo", "Yamada"),
    )

    await repository.store(before.version, [renamed])

    assert keys.creates == {recorded_v1.ACCOUNT.value: 1}
    assert await repository.read_events(recorded_v1.ACCOUNT, 0) == [
        *recorded_v1.EVENTS[:3],
        renamed,
    ]
    assert await repository.load(recorded_v1.ACCOUNT) == replay(before, [renamed])
    item = await dynamodb.get_item(
        TableName=dynamodb_tables.journal,
        Key={"pkey": {"S": persistence_id(recorded_v1.ACCOUNT)}, "skey": {"N": "4"}},
    )
    assert item["Item"]["event_version"] == {"S": "V2"}
    assert b"Saburo" not in item["Item"]["payload"]["B"]


# --- an erasure's rewrites in DynamoDB (SPEC §9.4) ---


class FaultyClient:
    """The real client, counting transactions, that fails a chosen write: the `fail_transaction`-th
    TransactWriteItems (1-based) or every PutItem to `fail_puts_to`."""

    def __init__(
        self, client: Any, fail_transaction: int = 0, fail_puts_to: str | None = None
    ) -> None:
        self._client = client
        self._fail_transaction = fail_transaction
        self._fail_puts_to = fail_puts_to
        self.transactions: list[int] = []  # the number of items of each

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        self.transactions.append(len(kwargs["TransactItems"]))
        if len(self.transactions) == self._fail_transaction:
            raise ConnectionError("the network went away (a test's fault)")
        response: dict[str, Any] = await self._client.transact_write_items(**kwargs)
        return response

    async def put_item(self, **kwargs: Any) -> dict[str, Any]:
        if kwargs["TableName"] == self._fail_puts_to:
            raise ConnectionError("the network went away (a test's fault)")
        response: dict[str, Any] = await self._client.put_item(**kwargs)
        return response


async def _journal_of(client: Any, table: str, aggregate_id: UserAccountId) -> list[dict[str, Any]]:
    response = await client.query(
        TableName=table,
        KeyConditionExpression="pkey = :pkey",
        ExpressionAttributeValues={":pkey": {"S": persistence_id(aggregate_id)}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = response["Items"]
    return items


async def test_the_recorded_v1_items_are_rewritten_in_place_keeping_their_other_attributes(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    recorded = recorded_v1.journal_items()
    await _put_all(dynamodb, dynamodb_tables.journal, recorded)
    await dynamodb.put_item(TableName=dynamodb_tables.snapshot, Item=recorded_v1.snapshot_item(4))
    keys = WatchedDataKeys()
    keys.failing_destroys = 1  # keep the key, to open the rewritten items afterwards
    faulty = FaultyClient(dynamodb)
    repository = repository_on(faulty, dynamodb_tables, keys)
    state = await repository.load(recorded_v1.ACCOUNT)
    erased = UserAccountErased("01KB0000000000000000000099", recorded_v1.ACCOUNT, 5, _ERASED_AT)
    with pytest.raises(ConnectionError):
        await repository.store(state.version, [erased])
    # One transaction: the three items with personal data and the snapshot.
    assert faulty.transactions == [4]
    items = await _journal_of(dynamodb, dynamodb_tables.journal, recorded_v1.ACCOUNT)
    for before, after in zip(recorded, items, strict=False):
        changed = {name for name in before if before[name] != after[name]}
        is_deleted = before["event_type"] == {"S": "UserAccountEvent.Deleted"}
        assert changed == (set() if is_deleted else {"payload", "event_version"})
        assert after["event_version"] == {"S": "V1" if is_deleted else "V2"}
    assert await repository.read_events(recorded_v1.ACCOUNT, 0) == [*recorded_v1.EVENTS, erased]
    snapshot = await dynamodb.get_item(
        TableName=dynamodb_tables.snapshot, Key={"pkey": {"S": persistence_id(recorded_v1.ACCOUNT)}}
    )
    assert snapshot["Item"]["seq_nr"] == {"N": "4"}
    assert snapshot["Item"]["payload"]["B"] != recorded_v1.SNAPSHOT_AT_4
    assert await repository.read_snapshot(recorded_v1.ACCOUNT) == replay(
        NotCreated(recorded_v1.ACCOUNT), recorded_v1.EVENTS
    )
    for clear in (b"Taro", b"Jiro", "山田".encode(), b"taro@example.com"):
        assert not [item for item in items if clear in item["payload"]["B"]]


_ERASED_AT = recorded_v1.EVENTS[-1].occurred_at


async def test_rewrites_go_in_transactions_of_at_most_100_items_and_an_interrupted_one_completes(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    history = History()
    events: list[UserAccountEvent] = [history.created()]
    events += history.after(replay(NotCreated(history.id), events), 149)
    await _put_all(dynamodb, dynamodb_tables.journal, [v1_journal_item(e) for e in events])
    state = replay(NotCreated(history.id), events)
    keys = WatchedDataKeys()
    # The second transaction fails: the first 100 items are sealed, the last 50 still in clear.
    faulty = FaultyClient(dynamodb, fail_transaction=2)
    with pytest.raises(ConnectionError):
        await repository_on(faulty, dynamodb_tables, keys).store(
            state.version, [history.erased(state)]
        )
    assert faulty.transactions == [100, 50]
    versions = [
        item["event_version"]["S"]
        for item in await _journal_of(dynamodb, dynamodb_tables.journal, history.id)
    ]
    assert versions == ["V2"] * 100 + ["V1"] * 50
    repository = repository_on(FaultyClient(dynamodb), dynamodb_tables, keys)
    assert await repository.load(history.id) == state  # both versions decode
    erased = history.erased(state)
    await repository.store(state.version, [erased])
    versions = [
        item["event_version"]["S"]
        for item in await _journal_of(dynamodb, dynamodb_tables.journal, history.id)
    ]
    assert versions == ["V2"] * 150 + ["V1"]
    assert await repository.load(history.id) == ErasedUserAccount(
        history.id, erased.seq_nr, erased.occurred_at
    )
    assert await keys.find(history.id.value) is None


async def test_an_erasure_whose_append_fails_leaves_a_sealed_journal_that_loads(
    dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    await _put_all(dynamodb, dynamodb_tables.journal, recorded_v1.journal_items()[:3])
    keys = WatchedDataKeys()
    faulty = FaultyClient(dynamodb, fail_puts_to=dynamodb_tables.journal)
    state = await repository_on(faulty, dynamodb_tables, keys).load(recorded_v1.ACCOUNT)
    erased = UserAccountErased("01KB0000000000000000000099", recorded_v1.ACCOUNT, 4, _ERASED_AT)
    with pytest.raises(ConnectionError):
        await repository_on(faulty, dynamodb_tables, keys).store(state.version, [erased])
    repository = repository_on(dynamodb, dynamodb_tables, keys)
    assert await repository.load(recorded_v1.ACCOUNT) == state
    assert await keys.find(recorded_v1.ACCOUNT.value) is not None
    await repository.store(state.version, [erased])
    assert await repository.load(recorded_v1.ACCOUNT) == ErasedUserAccount(
        recorded_v1.ACCOUNT, 4, _ERASED_AT
    )
    assert await keys.find(recorded_v1.ACCOUNT.value) is None
