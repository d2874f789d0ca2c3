"""The three apps as processes: what the Command API acknowledges becomes queryable (the time
each step took is printed, not asserted: it measures the machine as much as the code)."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.api_process import running_app, wait_until_healthy
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.updater_process import UpdaterProcess

pytestmark = pytest.mark.e2e

# Only stops a test that would hang: the updater applies a write well within a second, but on a
# busy machine its start alone can take seconds.
VISIBLE_WITHIN_SECONDS = 60.0
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { id fullName version } }"


def mutation(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ id version }} }}"


class Apps:
    def __init__(self, session: aiohttp.ClientSession, command_url: str, query_url: str) -> None:
        self.session, self.command_url, self.query_url = session, command_url, query_url

    async def graphql(self, url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with self.session.post(
            f"{url}/api/graphql", json={"query": query, "variables": variables}
        ) as response:
            assert response.status == 200
            answer: dict[str, Any] = await response.json()
            return answer

    async def command(self, mutation: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = await self.graphql(self.command_url, mutation, {"input": payload})
        assert "errors" not in answer, answer
        result: dict[str, Any] = next(iter(answer["data"].values()))
        return result

    async def wait_for(self, account_id: str, check: Any) -> float:
        """Seconds until `check(account or None)` holds; fails after VISIBLE_WITHIN_SECONDS."""
        started = time.monotonic()
        while True:
            answer = await self.graphql(self.query_url, GET, {"id": account_id})
            if check(answer["data"]["getUserAccount"]):
                return time.monotonic() - started
            elapsed = time.monotonic() - started
            assert elapsed < VISIBLE_WITHIN_SECONDS, f"not visible after {elapsed:.2f}s: {answer}"
            await asyncio.sleep(0.02)


@pytest.fixture
async def apps(
    moto_endpoint: str, postgres_url: str, dynamodb_tables: DynamoDbTables, clean_postgres: None
) -> AsyncIterator[Apps]:
    command_port, query_port = free_port(), free_port()
    env = {
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "DATABASE_URL": postgres_url,
        "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
        "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
        "KEY_TABLE_NAME": dynamodb_tables.keys,
        "COMMAND_API_PORT": str(command_port),
        "QUERY_API_PORT": str(query_port),
    }
    updater = UpdaterProcess({**env, "UPDATER_POLL_INTERVAL_MS": "250"}).start()
    try:
        async with (
            running_app("apps.command_api", env=env) as command_process,
            running_app("apps.query_api", env=env) as query_process,
            aiohttp.ClientSession() as session,
        ):
            command_url = f"http://127.0.0.1:{command_port}"
            query_url = f"http://127.0.0.1:{query_port}"
            await wait_until_healthy(session, command_url, command_process)
            await wait_until_healthy(session, query_url, query_process)
            yield Apps(session, command_url, query_url)
    finally:
        updater.close()


async def test_create_rename_delete_reach_the_query_api(apps: Apps) -> None:
    created = await apps.command(
        mutation("createUserAccount"),
        {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "taro@example.com"},
    )
    assert created["version"] == 1
    account_id = created["id"]
    seconds = [await apps.wait_for(account_id, lambda a: a is not None and a["version"] == 1)]

    renamed = await apps.command(
        mutation("renameUserAccount"),
        {"userAccountId": account_id, "firstName": "Jiro", "lastName": "Suzuki"},
    )
    assert renamed["version"] == 2
    seconds.append(
        await apps.wait_for(
            account_id,
            lambda a: a is not None and (a["fullName"], a["version"]) == ("Jiro Suzuki", 2),
        )
    )

    deleted = await apps.command(
        mutation("deleteUserAccount"),
        {"userAccountId": account_id},
    )
    assert deleted["version"] == 3
    seconds.append(await apps.wait_for(account_id, lambda a: a is None))
    print(
        "seconds until visible (create, rename, delete): " + ", ".join(f"{s:.2f}" for s in seconds)
    )
