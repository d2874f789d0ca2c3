"""Failures: schema validation, a failing read model (INTERNAL_ERROR), PostgreSQL unreachable."""

import json
import socket
from collections.abc import AsyncIterator, Collection
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer
from domain.user_account import UserAccountId
from infrastructure.settings import Settings
from tests.e2e.command_api.graphql_http import GRAPHQL, error_code, only_error, post_graphql
from tests.e2e.query_api.accounts import account_id
from tests.e2e.query_api.queries import BY_IDS, GET, LIST, SEARCH
from tests.e2e.query_api.served import wire_resolvers
from use_case.ports import UserAccountRow

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            f'{{ getUserAccount(userAccountId: "{account_id(1)}") {{ nope }} }}', id="field"
        ),
        pytest.param("{ getUserAccounts(last: 3) { id } }", id="argument"),
        pytest.param("{ nope }", id="query"),
        pytest.param("{ getUserAccount { id } }", id="missing-argument"),
        pytest.param('{ getUserAccounts(first: "10") { id } }', id="wrong-literal-type"),
        pytest.param("{ getUserAccounts(first: 2147483648) { id } }", id="int-overflow"),
        pytest.param("{ getUserAccounts }", id="no-selection"),
        pytest.param("query($f: String) { getUserAccounts(first: $f) { id } }", id="variable"),
    ],
)
async def test_schema_violations_are_graphql_validation_failed(
    client: TestClient[Any, Any], query: str
) -> None:
    answer = await post_graphql(client, query)

    assert "data" not in answer
    assert {error["extensions"]["code"] for error in answer["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }


async def test_a_variable_of_the_wrong_type_is_graphql_validation_failed(
    client: TestClient[Any, Any],
) -> None:
    answer = await post_graphql(client, LIST, {"first": "ten"})

    assert error_code(answer) == "GRAPHQL_VALIDATION_FAILED"


async def test_a_syntax_error_is_graphql_parse_failed(client: TestClient[Any, Any]) -> None:
    assert error_code(await post_graphql(client, "{ getUserAccounts { id }")) == (
        "GRAPHQL_PARSE_FAILED"
    )


class BrokenReadModel:
    """Every query fails the way a driver does, with text that must never reach a client."""

    SECRET = "asyncpg: connection to postgres://reader:hunter2@internal.example:5432 lost"

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        raise ConnectionError(self.SECRET)

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        raise ConnectionError(self.SECRET)

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        raise ConnectionError(self.SECRET)

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        raise ConnectionError(self.SECRET)


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (GET, {"id": account_id(1)}, "getUserAccount"),
        (LIST, {}, "getUserAccounts"),
        (BY_IDS, {"ids": [account_id(1)]}, "getUserAccountsByIds"),
        (SEARCH, {"term": "taro"}, "searchUserAccounts"),
    ],
)
async def test_a_failing_read_model_is_an_internal_error_with_a_correlation_id(
    client: TestClient[Any, Any],
    query_container: QueryApiContainer,
    query: str,
    variables: dict[str, Any],
    field: str,
) -> None:
    with query_container.read_model.override(providers.Object(BrokenReadModel())):
        response = await client.post(GRAPHQL, json={"query": query, "variables": variables})

    assert response.status == 200
    text = await response.text()
    cid = response.headers["X-Correlation-ID"]
    error = only_error(json.loads(text))
    assert error["message"] == f"Internal server error (correlation id: {cid})"
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "correlationId": cid}
    assert error["path"] == [field]
    for leak in ("hunter2", "internal.example", "ConnectionError", "asyncpg", "Traceback"):
        assert leak not in text


async def test_validation_comes_before_the_read_model_is_asked(
    client: TestClient[Any, Any], query_container: QueryApiContainer
) -> None:
    with query_container.read_model.override(providers.Object(BrokenReadModel())):
        answer = await post_graphql(client, SEARCH, {"term": "a"})

    assert error_code(answer) == "VALIDATION_ERROR"


def closed_port() -> int:
    """A port of 127.0.0.1 that nobody listens on (taken from the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def unreachable_postgres_client(
    query_container: QueryApiContainer,
) -> AsyncIterator[TestClient[Any, Any]]:
    """The Query API in its default mode with DATABASE_URL pointing at a closed port."""
    container = QueryApiContainer()
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/pcqrses"
    container.settings.override(providers.Object(Settings(database_url=url)))
    try:
        async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
            yield client
    finally:
        # create_app wired the resolvers to this container: give them back to the session's.
        wire_resolvers(query_container)


async def test_ready_is_503_naming_postgres_when_it_is_unreachable(
    unreachable_postgres_client: TestClient[Any, Any],
) -> None:
    ready = await unreachable_postgres_client.get("/api/health/ready")
    health = await unreachable_postgres_client.get("/api/health")
    query = await unreachable_postgres_client.post(GRAPHQL, json={"query": LIST})

    assert ready.status == 503
    body = await ready.json()
    assert body["status"] == "unavailable"
    assert list(body["checks"]) == ["postgres"]
    failure = body["checks"]["postgres"]
    assert failure.startswith(("ConnectionRefusedError", "OSError"))
    assert "Connect call failed" in failure
    assert "\n" not in failure
    assert "Traceback" not in failure
    assert "asyncpg" not in failure
    # The process stays up: healthy, and queries fail with a generic INTERNAL_ERROR.
    assert (health.status, await health.json()) == (200, {"status": "healthy"})
    assert only_error(await query.json())["extensions"]["code"] == "INTERNAL_ERROR"
