"""The Query API in its default mode, on PostgreSQL: every query, search, paging, readiness."""

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer
from infrastructure.settings import Settings
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from tests.e2e.query_api.accounts import account_id, account_row, seed
from tests.e2e.query_api.paging import assert_pages_cover, page_through
from tests.e2e.query_api.queries import (
    BY_IDS,
    GET,
    LIST_DEFAULT,
    SEARCH,
    ids_of,
    query_data,
    validation_messages,
)
from tests.e2e.query_api.search_cases import SEARCH_CASES, SearchCase, search_rows
from tests.e2e.query_api.served import ServedQueryApi, wire_resolvers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def postgres_query_api(postgres_url: str) -> AsyncIterator[ServedQueryApi]:
    """The Query API as `python -m apps.query_api` builds it, on the session's PostgreSQL."""
    container = QueryApiContainer()
    container.settings.override(providers.Object(Settings(database_url=postgres_url)))
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield ServedQueryApi(client, container)


@pytest.fixture
def read_model(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> PostgresUserAccountReadModel:
    """The emptied `user_accounts` table, to seed rows through."""
    return PostgresUserAccountReadModel(clean_postgres)


@pytest.fixture
def client(
    postgres_query_api: ServedQueryApi, read_model: PostgresUserAccountReadModel
) -> TestClient[Any, Any]:
    wire_resolvers(postgres_query_api.container)
    return postgres_query_api.client


async def test_ready_checks_postgres(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health/ready")

    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": {"postgres": "ok"}}


async def test_every_query_answers_from_postgres(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel
) -> None:
    tokyo = timezone(timedelta(hours=9))
    await seed(
        read_model,
        account_row(3, "Hanako", "Suzuki"),
        account_row(
            1, "Taro", "Yamada", version=2, created_at=datetime(2026, 11, 26, 12, tzinfo=tokyo)
        ),
        account_row(2, "Gone", "Yamada", version=2, deleted=True),
    )

    assert await query_data(client, GET, {"id": account_id(1).lower()}) == {
        "id": account_id(1),
        "firstName": "Taro",
        "lastName": "Yamada",
        "fullName": "Taro Yamada",
        "emailAddress": "user1@example.com",
        "createdAt": "2026-11-26T03:00:00.000000Z",
        "updatedAt": "2026-11-26T03:01:00.000000Z",
        "version": 2,
    }
    assert await ids_of(client, LIST_DEFAULT) == [account_id(1), account_id(3)]
    ids = [account_id(3), account_id(2), account_id(1), account_id(3).lower(), account_id(9)]
    assert await ids_of(client, BY_IDS, {"ids": ids}) == [account_id(1), account_id(3)]
    assert await ids_of(client, SEARCH, {"term": "yamada"}) == [account_id(1)]


async def test_deleted_accounts_are_hidden_from_every_query(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1, "Gone", "Person", version=2, deleted=True))

    assert await query_data(client, GET, {"id": account_id(1)}) is None
    assert await ids_of(client, LIST_DEFAULT) == []
    assert await ids_of(client, BY_IDS, {"ids": [account_id(1)]}) == []
    assert await ids_of(client, SEARCH, {"term": "Gone"}) == []


async def test_microseconds_survive_the_round_trip(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1, created_at=datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC)))

    account = await query_data(client, GET, {"id": account_id(1)})

    assert account["createdAt"] == "2026-01-02T03:04:05.000007Z"


async def test_validation_answers_before_postgres_is_asked(client: TestClient[Any, Any]) -> None:
    assert await validation_messages(client, SEARCH, {"term": "a", "first": 0}) == [
        "Search term must be at least 2 characters long",
        "first must be between 1 and 1000",
    ]


@pytest.mark.parametrize("case", SEARCH_CASES, ids=lambda case: case.why)
async def test_search(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel, case: SearchCase
) -> None:
    await seed(read_model, *search_rows())

    found = await ids_of(client, SEARCH, {"term": case.term})

    assert found == [account_id(number) for number in case.expected]


async def test_search_stops_at_first_in_id_order(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel
) -> None:
    rows = [account_row(number, "Taro", f"Yamada{number}") for number in range(1, 21)]
    random.Random(5).shuffle(rows)
    await seed(read_model, *rows)

    assert await ids_of(client, SEARCH, {"term": "Taro Yama", "first": 4}) == [
        account_id(number) for number in range(1, 5)
    ]


async def test_paging_across_250_accounts(
    client: TestClient[Any, Any], read_model: PostgresUserAccountReadModel
) -> None:
    numbers = list(range(1, 256))
    random.Random(13).shuffle(numbers)
    await seed(read_model, *(account_row(n, deleted=n % 51 == 0) for n in numbers))

    pages = await page_through(client, 100)

    live = [account_id(n) for n in range(1, 256) if n % 51 != 0]
    assert len(live) == 250
    assert_pages_cover(pages, live, 100)
