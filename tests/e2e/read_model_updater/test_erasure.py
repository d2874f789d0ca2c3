"""An erasure through the updater process on moto (SPEC §9.4): applied though the account has a
dead letter, its row reduced to id, version and erasure time, its dead letters deleted, its data
key destroyed, and the Query API serves it no more."""

from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from domain.user_account import UserAccountErased, UserAccountId
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.journal_item import to_journal_item
from tests.e2e.read_model_updater.conftest import StartUpdater, wait_until
from tests.support.api_process import running_app, wait_until_healthy
from tests.support.data_keys import journal_data_keys
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.stream_events import CORRUPT_PAYLOAD
from tests.support.write_side import WriteSide

pytestmark = pytest.mark.e2e

Pool = "asyncpg.Pool[asyncpg.Record]"
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { id version } }"
LIST = "{ getUserAccounts(first: 100) { id } }"
SEARCH = '{ searchUserAccounts(searchTerm: "Erin") { id } }'
BY_IDS = "query($a: String!, $b: String!) { getUserAccountsByIds(userAccountIds: [$a, $b]) { id } }"


async def letters_of(pool: Pool, account: UserAccountId) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM dead_letters WHERE aggregate_id = $1", account.value
    )
    return count


async def query(session: aiohttp.ClientSession, url: str, text: str, **variables: str) -> Any:
    async with session.post(url, json={"query": text, "variables": variables}) as response:
        assert response.status == 200
        body = await response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_an_erasure_applies_over_a_dead_letter_and_leaves_only_id_version_and_time(
    start_updater: StartUpdater,
    write: WriteSide,
    journal: DynamoDbUserAccountRepository,
    clean_postgres: Pool,
    postgres_url: str,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    erin = await write.create("Erin", "Gone", "erin@example.com")
    kept = await write.create("Erin", "Kept", "kept@example.com")
    # Erin's second item cannot be decoded: the updater parks it, and her row stays at 1.
    await dynamodb.put_item(
        TableName=dynamodb_tables.journal,
        Item={
            "pkey": {"S": f"UserAccount-{erin.value}"},
            "skey": {"N": "2"},
            "aggregate_id": {"S": erin.value},
            "payload": {"B": CORRUPT_PAYLOAD},
        },
    )
    updater = start_updater(UPDATER_RETRY_BASE_MS="10", UPDATER_RETRY_MAX_MS="50")
    await wait_until(lambda: has_letter(clean_postgres, erin), what="Erin's dead letter")
    assert (
        await clean_postgres.fetchval("SELECT version FROM user_accounts WHERE id = $1", erin.value)
        == 1
    )
    keys = journal_data_keys(dynamodb, dynamodb_tables.journal)
    assert await keys.find(erin.value) is not None

    # The erasure straight into the journal, as the erase command appends it (the item alone:
    # the command's own destroy of the key is not what this test is about).
    erased = UserAccountErased(UlidGenerator().new_id(), erin, 3, datetime.now(UTC))
    await dynamodb.put_item(TableName=dynamodb_tables.journal, Item=to_journal_item(erased, None))

    async def erased_row() -> bool:
        erased_at = await clean_postgres.fetchval(
            "SELECT erased_at FROM user_accounts WHERE id = $1", erin.value
        )
        return erased_at is not None

    await wait_until(erased_row, what="Erin's row erased", process=updater)
    row = await clean_postgres.fetchrow("SELECT * FROM user_accounts WHERE id = $1", erin.value)
    assert row is not None
    assert (row["version"], row["erased_at"]) == (3, erased.occurred_at)
    assert {name for name, value in row.items() if value is not None} == {
        "id",
        "version",
        "erased_at",
    }
    assert await letters_of(clean_postgres, erin) == 0
    # Destroyed after the row is committed (the batch is over once the checkpoint moves).
    await wait_until(lambda: key_gone(keys, erin), what="Erin's key destroyed", process=updater)

    port = free_port()
    env = {"QUERY_API_PORT": str(port), "DATABASE_URL": postgres_url, "AUTH_MODE": "off"}
    base_url = f"http://127.0.0.1:{port}"
    async with (
        running_app("apps.query_api", env=env) as process,
        aiohttp.ClientSession() as session,
    ):
        await wait_until_healthy(session, base_url, process)
        url = f"{base_url}/api/graphql"
        assert (await query(session, url, GET, id=erin.value))["getUserAccount"] is None
        assert (await query(session, url, GET, id=kept.value))["getUserAccount"] == {
            "id": kept.value,
            "version": 1,
        }
        listed = (await query(session, url, LIST))["getUserAccounts"]
        assert [account["id"] for account in listed] == [kept.value]
        found = (await query(session, url, SEARCH))["searchUserAccounts"]
        assert [account["id"] for account in found] == [kept.value]
        by_ids = await query(session, url, BY_IDS, a=erin.value, b=kept.value)
        assert [account["id"] for account in by_ids["getUserAccountsByIds"]] == [kept.value]
    assert updater.terminate() == 0


async def has_letter(pool: Pool, account: UserAccountId) -> bool:
    return await letters_of(pool, account) == 1


async def key_gone(keys: Any, account: UserAccountId) -> bool:
    return await keys.find(account.value) is None
