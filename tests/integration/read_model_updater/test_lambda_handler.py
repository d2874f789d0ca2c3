"""The Lambda handler with recorded DynamoDB Streams events, against PostgreSQL and moto."""

import asyncio
import base64
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from apps.read_model_updater import lambda_handler
from domain.user_account import UserAccountErased, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.event_store.journal_item import from_journal_item, to_journal_item
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from tests.support.callers import ALICE
from tests.support.data_keys import WatchedDataKeys
from tests.support.moto_server import DynamoDbTables
from tests.support.read_model_rows import replayed_rows, stored_rows
from tests.support.stream_events import (
    CORRUPT_PAYLOAD,
    FIRST_SEQUENCE_NUMBER,
    lambda_record,
    load_fixture,
)
from tests.support.write_side import WriteSide
from use_case.ports import ErasedPersonalData, JournalEvent, UserAccountRow

pytestmark = pytest.mark.integration

Pool = "asyncpg.Pool[asyncpg.Record]"


@pytest.fixture
async def handler_env(
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
    moto_endpoint: str,
    dynamodb_tables: DynamoDbTables,
    clean_postgres: Pool,
) -> AsyncIterator[None]:
    """The environment a deployed function gets; the process's runtime closed afterwards."""
    for name, value in {
        "DATABASE_URL": postgres_url,
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
        "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
        "KEY_TABLE_NAME": dynamodb_tables.keys,
    }.items():
        monkeypatch.setenv(name, value)
    await asyncio.to_thread(lambda_handler.close_runtime)
    yield
    await asyncio.to_thread(lambda_handler.close_runtime)


async def invoke(event: Mapping[str, Any]) -> dict[str, Any]:
    """Lambda calls the handler synchronously, outside any running loop: so does this."""
    return await asyncio.to_thread(lambda_handler.handler, event, None)


def events_of(records: list[dict[str, Any]]) -> list[JournalEvent]:
    """The events of recorded (V1) records: no key needed."""
    return [from_journal_item(record["dynamodb"]["NewImage"], None) for record in records]


def use_data_keys(data_keys: DataKeys) -> None:
    """The keys the process's runtime decrypts with (before its first invocation)."""
    lambda_handler.runtime().container.data_keys.override(providers.Object(data_keys))


async def v2_records(
    repository: InMemoryUserAccountRepository, data_keys: DataKeys, *accounts: UserAccountId
) -> list[dict[str, Any]]:
    """The Lambda records of the accounts' events, as the journal holds them now (V2)."""
    records = []
    for account in accounts:
        key = await data_keys.find(account.value)
        for event in await repository.events_of(account):
            assert not isinstance(event, ErasedPersonalData)
            number = FIRST_SEQUENCE_NUMBER + len(records)
            records.append(lambda_record(to_journal_item(event, key), number, event.occurred_at))
    return records


def sequence_numbers(records: list[dict[str, Any]]) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in records]


@pytest.mark.usefixtures("handler_env")
async def test_a_batch_is_applied(clean_postgres: Pool) -> None:
    event = load_fixture("insert_batch.json")
    assert await invoke(event) == {"batchItemFailures": []}
    expected = await replayed_rows(events_of(event["Records"]))
    assert await stored_rows(clean_postgres) == expected
    versions = sorted(row.version for row in expected.values())
    assert versions == [1, 2, 3]  # C created; B created and deleted; A created, renamed twice
    assert sum(row.deleted_at is not None for row in expected.values()) == 1


@pytest.mark.usefixtures("handler_env")
async def test_an_undecodable_record_fails_with_the_later_records_of_its_aggregate(
    clean_postgres: Pool,
) -> None:
    records = load_fixture("batch_with_undecodable_record.json")["Records"]
    d1, d2_corrupt, e1, d3, f1, e_removed = records
    answer = await invoke({"Records": records})
    # The REMOVE is ignored, not reported: there is nothing to retry.
    assert answer == {
        "batchItemFailures": [{"itemIdentifier": n} for n in sequence_numbers([d2_corrupt, d3])]
    }
    rows = await stored_rows(clean_postgres)
    assert rows == await replayed_rows(events_of([d1, e1, f1]))
    assert {row.version for row in rows.values()} == {1}
    assert e_removed["eventName"] == "REMOVE"


@pytest.mark.usefixtures("handler_env")
async def test_a_redelivered_batch_changes_nothing(clean_postgres: Pool) -> None:
    event = load_fixture("insert_batch.json")
    assert await invoke(event) == {"batchItemFailures": []}
    before = await stored_rows(clean_postgres)
    assert await invoke(event) == {"batchItemFailures": []}
    # The second half of the batch again, as Lambda sends it after a partial failure.
    assert await invoke({"Records": event["Records"][3:]}) == {"batchItemFailures": []}
    assert await stored_rows(clean_postgres) == before


@pytest.mark.usefixtures("handler_env")
async def test_a_batch_starting_mid_history_is_filled_from_the_journal(
    clean_postgres: Pool, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    records = load_fixture("insert_batch.json")["Records"]
    for record in records:
        item = dict(record["dynamodb"]["NewImage"])
        item["payload"] = {"B": base64.b64decode(item["payload"]["B"])}
        await dynamodb.put_item(TableName=dynamodb_tables.journal, Item=item)
    last = records[-1]  # A's third event: 1 and 2 come from the journal
    assert await invoke({"Records": [last]}) == {"batchItemFailures": []}
    rows = await stored_rows(clean_postgres)
    a_events = [
        e for e in events_of(records) if e.aggregate_id == events_of([last])[0].aggregate_id
    ]
    assert rows == await replayed_rows(a_events)


@pytest.mark.usefixtures("handler_env")
async def test_the_runtime_is_created_once_per_process() -> None:
    event = load_fixture("insert_batch.json")
    await invoke(event)
    first = lambda_handler.runtime()
    pool = first.container.pool()
    await invoke(event)
    second = lambda_handler.runtime()
    assert second is first
    assert second.container.pool() is pool


@pytest.mark.usefixtures("handler_env")
async def test_the_owner_flows_from_created_into_the_row(clean_postgres: Pool) -> None:
    keys = InMemoryDataKeys()
    repository = InMemoryUserAccountRepository(keys)
    owned = await WriteSide(repository, caller=ALICE).create("Taro", "Yamada")
    await WriteSide(repository, caller=ALICE).rename(owned, "Jiro", "Yamada")
    ownerless = await WriteSide(repository).create("Hanako", "Suzuki")  # AUTH_MODE=off
    records = await v2_records(repository, keys, owned, ownerless)
    use_data_keys(keys)

    assert await invoke({"Records": records}) == {"batchItemFailures": []}

    rows = await stored_rows(clean_postgres)
    assert {account_id: row.owner for account_id, row in rows.items()} == {
        owned: ALICE.subject,
        ownerless: None,
    }
    assert rows[owned].version == 2


@pytest.mark.usefixtures("handler_env")
async def test_records_whose_key_is_gone_leave_rows_without_personal_data(
    clean_postgres: Pool,
) -> None:
    keys = InMemoryDataKeys()
    repository = InMemoryUserAccountRepository(keys)
    kept = await WriteSide(repository, caller=ALICE).create("Taro", "Yamada")
    erased = await WriteSide(repository, caller=ALICE).create("Hanako", "Suzuki")
    await WriteSide(repository, caller=ALICE).rename(erased, "Hana", "Suzuki")
    records = await v2_records(repository, keys, kept, erased)
    await keys.destroy(erased.value)
    use_data_keys(keys)

    assert await invoke({"Records": records}) == {"batchItemFailures": []}

    rows = await stored_rows(clean_postgres)
    assert (rows[kept].first_name, rows[kept].deleted_at) == ("Taro", None)
    row = rows[erased]
    assert (row.version, row.first_name, row.last_name, row.email_address) == (2, None, None, None)
    assert (row.owner, row.created_at, row.deleted_at) == (None, None, None)
    assert await PostgresUserAccountReadModel(clean_postgres).get(erased) is None


@pytest.mark.usefixtures("handler_env")
async def test_an_erasure_applies_over_a_broken_record_purges_letters_and_destroys_the_key(
    clean_postgres: Pool,
) -> None:
    keys = WatchedDataKeys()
    repository = InMemoryUserAccountRepository(keys)
    write = WriteSide(repository, caller=ALICE)
    kept = await write.create("Taro", "Yamada")
    gone = await write.create("Hanako", "Suzuki")
    await write.rename(gone, "Hana", "Suzuki")
    erasure = UserAccountErased("01KC0000000000000000000000", gone, 3, datetime.now(UTC))
    # The erasure is appended, but the command side's destroy of the key fails: the updater's
    # must do it.
    keys.failing_destroys = 1
    with pytest.raises(ConnectionError):
        await repository.store(2, [erasure])
    records = await v2_records(repository, keys, kept, gone)
    records[2]["dynamodb"]["NewImage"]["payload"] = {
        "B": base64.b64encode(CORRUPT_PAYLOAD).decode()
    }
    # A letter parked for the account by the local updater before (the same database).
    await clean_postgres.execute(
        "INSERT INTO dead_letters (stream_arn, shard_id, sequence_number, aggregate_id, record,"
        " error, attempts, first_failed_at, last_failed_at)"
        " VALUES ('arn', 'shard', '1', $1, '{}', 'boom', 5, now(), now())",
        gone.value,
    )
    use_data_keys(keys)

    # Hanako's rename cannot be decoded; her erasure behind it is applied all the same, and
    # the rename, superseded, is not reported.
    assert await invoke({"Records": records}) == {"batchItemFailures": []}

    rows = await stored_rows(clean_postgres)
    assert rows[kept].served
    assert rows[gone] == UserAccountRow(
        gone, None, None, None, None, None, 3, None, erased_at=erasure.occurred_at
    )
    assert await clean_postgres.fetchval("SELECT count(*) FROM dead_letters") == 0
    assert await keys.find(gone.value) is None
    assert await keys.find(kept.value) is not None
