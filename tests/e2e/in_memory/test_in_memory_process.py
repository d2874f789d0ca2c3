"""`python -m apps.in_memory`: one process serving both APIs; a write is queryable at once."""

import asyncio
import signal
from typing import Any

import aiohttp
import pytest

from tests.support.api_process import running_app, wait_until_healthy
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

CREATE = """
mutation Create($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id version } }
"""
RENAME = """
mutation Rename($input: RenameUserAccountInput!) { renameUserAccount(input: $input) { id version } }
"""
DELETE = """
mutation Delete($input: DeleteUserAccountInput!) { deleteUserAccount(input: $input) { id version } }
"""
GET = """
query Get($id: String!) {
  getUserAccount(userAccountId: $id) { id firstName lastName fullName emailAddress version }
}
"""
SEARCH = "query Search($term: String!) { searchUserAccounts(searchTerm: $term) { id } }"


async def graphql(
    session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any]
) -> Any:
    async with session.post(url, json={"query": query, "variables": variables}) as response:
        assert response.status == 200
        answer = await response.json()
    assert "errors" not in answer, answer
    [value] = answer["data"].values()
    return value


async def test_both_apis_in_one_process_with_writes_visible_at_once() -> None:
    command_port, query_port = free_port(), free_port()
    command = f"http://127.0.0.1:{command_port}"
    query = f"http://127.0.0.1:{query_port}"
    env = {
        "COMMAND_API_HOST": "127.0.0.1",
        "COMMAND_API_PORT": str(command_port),
        "QUERY_API_HOST": "127.0.0.1",
        "QUERY_API_PORT": str(query_port),
        # Nothing else may be needed: point every store at nowhere.
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:1",
    }
    async with running_app("apps.in_memory", env=env) as process, aiohttp.ClientSession() as s:
        await wait_until_healthy(s, command, process)
        await wait_until_healthy(s, query, process)
        ready = {}
        for base in (command, query):
            async with s.get(f"{base}/api/health/ready") as response:
                ready[base] = (response.status, await response.json())

        created = await graphql(
            s,
            f"{command}/api/graphql",
            CREATE,
            {"input": {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "t@example.com"}},
        )
        account_id = created["id"]
        after_create = await graphql(s, f"{query}/api/graphql", GET, {"id": account_id})
        renamed = await graphql(
            s,
            f"{command}/api/graphql",
            RENAME,
            {"input": {"userAccountId": account_id, "firstName": "Jiro", "lastName": "Sato"}},
        )
        after_rename = await graphql(s, f"{query}/api/graphql", GET, {"id": account_id})
        found = await graphql(s, f"{query}/api/graphql", SEARCH, {"term": "jiro sato"})
        deleted = await graphql(
            s, f"{command}/api/graphql", DELETE, {"input": {"userAccountId": account_id}}
        )
        after_delete = await graphql(s, f"{query}/api/graphql", GET, {"id": account_id})
        found_after_delete = await graphql(s, f"{query}/api/graphql", SEARCH, {"term": "jiro"})

        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)

    assert ready == {
        command: (200, {"status": "ready", "checks": {"in-memory": "ok"}}),
        query: (200, {"status": "ready", "checks": {"in-memory": "ok"}}),
    }
    assert created["version"] == 1
    assert after_create == {
        "id": account_id,
        "firstName": "Taro",
        "lastName": "Yamada",
        "fullName": "Taro Yamada",
        "emailAddress": "t@example.com",
        "version": 1,
    }
    assert renamed == {"id": account_id, "version": 2}
    assert (after_rename["fullName"], after_rename["version"]) == ("Jiro Sato", 2)
    assert found == [{"id": account_id}]
    assert deleted == {"id": account_id, "version": 3}
    assert after_delete is None
    assert found_after_delete == []
    assert process.returncode == 0
    log = stderr.decode()
    assert '"service": "command-api"' in log
    assert '"service": "query-api"' in log
    assert "ERROR" not in log


async def test_a_taken_query_port_is_reported_with_its_variable() -> None:
    command_port, query_port = free_port(), free_port()
    env = {"COMMAND_API_PORT": str(command_port), "QUERY_API_PORT": str(query_port)}
    holder = await asyncio.start_server(lambda r, w: None, "127.0.0.1", query_port)
    try:
        async with running_app("apps.in_memory", env=env) as process:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        holder.close()
        await holder.wait_closed()

    assert process.returncode == 1
    log = stderr.decode()
    assert f"port {query_port} is already in use; set QUERY_API_PORT to use another" in log
    assert "Traceback" not in log
