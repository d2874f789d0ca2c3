"""A request's trace context through the processes on moto: the Command API writes the caller's
trace (with a span of its own) and the request's correlation id into the journal item, and the
updater's lines about the record and the dead letter it parks carry both."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from domain.user_account import UserAccountId
from infrastructure.tracing.trace_context import span_context_of
from interface_adapter.event_store.journal_item import persistence_id
from tests.e2e.read_model_updater.conftest import StartUpdater, entries_with, wait_until
from tests.support.api_process import running_app, wait_until_healthy
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.spans import CALLER_SPAN_ID, CALLER_TRACE_ID, CALLER_TRACEPARENT

pytestmark = pytest.mark.e2e

Pool = "asyncpg.Pool[asyncpg.Record]"
SRC = Path(__file__).resolve().parents[3] / "src"
# A second caller span of the same trace, for the second request.
SECOND_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"

CREATE = (
    "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id version } }"
)
RENAME = (
    "mutation($input: RenameUserAccountInput!) { renameUserAccount(input: $input) { id version } }"
)


class CommandApi:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url

    async def send(
        self, query: str, variables: dict[str, Any], traceparent: str
    ) -> tuple[dict[str, Any], str]:
        """The mutation's answer and the correlation id the service answered with."""
        async with self.session.post(
            f"{self.url}/api/graphql",
            json={"query": query, "variables": {"input": variables}},
            headers={"traceparent": traceparent},
        ) as response:
            answer = await response.json()
            assert "errors" not in answer, answer
            return answer["data"], response.headers["X-Correlation-ID"]


@pytest.fixture
async def command_api(updater_env: dict[str, str]) -> AsyncIterator[CommandApi]:
    port = free_port()
    env = {**updater_env, "COMMAND_API_PORT": str(port)}
    async with (
        running_app("apps.command_api", env=env) as process,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
    ):
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(session, url, process)
        yield CommandApi(session, url)


async def journal_items(
    dynamodb: Any, tables: DynamoDbTables, account: UserAccountId
) -> list[dict[str, Any]]:
    response = await dynamodb.query(
        TableName=tables.journal,
        KeyConditionExpression="pkey = :pkey",
        ExpressionAttributeValues={":pkey": {"S": persistence_id(account)}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = response["Items"]
    return sorted(items, key=lambda item: int(item["skey"]["N"]))


def continues(traceparent: str, caller_span_id: int) -> bool:
    """`traceparent` is a span of its own in the caller's trace."""
    context = span_context_of(traceparent)
    return (
        context is not None
        and context.trace_id == CALLER_TRACE_ID
        and context.span_id != caller_span_id
    )


async def test_a_requests_trace_reaches_the_journal_the_updaters_lines_and_a_dead_letter(
    command_api: CommandApi,
    start_updater: StartUpdater,
    updater_env: dict[str, str],
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
) -> None:
    created, create_cid = await command_api.send(
        CREATE,
        {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "taro@example.com"},
        CALLER_TRACEPARENT,
    )
    account = UserAccountId(created["createUserAccount"]["id"])
    updater = start_updater(LOG_LEVEL="DEBUG", UPDATER_MAX_ATTEMPTS="2")

    async def applied_once() -> bool:
        return bool(
            await clean_postgres.fetchval(
                "SELECT count(*) FROM user_accounts WHERE id = $1", account.value
            )
        )

    await wait_until(applied_once, what="the account in the read model", process=updater)
    # The read model now says the account was deleted: the rename (version 2) cannot apply
    # to it, and is parked once its attempts are spent.
    await clean_postgres.execute(
        "UPDATE user_accounts SET deleted_at = now() WHERE id = $1", account.value
    )
    _, rename_cid = await command_api.send(
        RENAME,
        {"userAccountId": account.value, "firstName": "Jiro", "lastName": "Suzuki"},
        SECOND_TRACEPARENT,
    )

    first, second = await journal_items(dynamodb, dynamodb_tables, account)
    assert first["correlation_id"] == {"S": create_cid}
    assert second["correlation_id"] == {"S": rename_cid}
    assert create_cid != rename_cid
    assert continues(first["traceparent"]["S"], CALLER_SPAN_ID)
    assert continues(second["traceparent"]["S"], int(SECOND_TRACEPARENT[36:52], 16))
    assert first["traceparent"] != second["traceparent"]

    async def parked() -> bool:
        return bool(await clean_postgres.fetchval("SELECT count(*) FROM dead_letters"))

    await wait_until(parked, what="a dead letter", process=updater)
    letter = await clean_postgres.fetchrow("SELECT * FROM dead_letters")
    assert (letter["correlation_id"], letter["traceparent"]) == (
        rename_cid,
        second["traceparent"]["S"],
    )
    rename_trace = {"correlation_id": rename_cid, "traceparent": second["traceparent"]["S"]}
    [parked_line] = entries_with(updater, "stream record parked in the dead-letter table")
    assert {key: parked_line.get(key) for key in rename_trace} == rename_trace
    retries = entries_with(updater, "stream records failed; retrying")
    assert retries
    assert all({key: line.get(key) for key in rename_trace} == rename_trace for line in retries)
    applied = entries_with(updater, "stream record applied")
    assert {line.get("correlation_id") for line in applied} == {create_cid}
    assert {line.get("traceparent") for line in applied} == {first["traceparent"]["S"]}

    shown = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "apps.admin", "dead-letters", "show", str(letter["id"]), "--json"],
        env={**os.environ, **updater_env, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    details = json.loads(shown.stdout)
    assert (details["correlation_id"], details["traceparent"]) == (
        rename_cid,
        second["traceparent"]["S"],
    )
