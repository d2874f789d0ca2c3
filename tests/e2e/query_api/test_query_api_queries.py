"""Every query of the Query API over HTTP, on the in-memory read model."""

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.e2e.command_api.graphql_http import post_graphql
from tests.e2e.query_api.accounts import account_id, account_row, seed
from tests.e2e.query_api.queries import (
    BY_IDS,
    GET,
    LIST,
    LIST_DEFAULT,
    SEARCH,
    ids_of,
    query_data,
)

pytestmark = pytest.mark.e2e


async def test_get_user_account_returns_every_field(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1, "Taro", "Yamada", version=3))

    account = await query_data(client, GET, {"id": account_id(1)})

    assert account == {
        "id": account_id(1),
        "firstName": "Taro",
        "lastName": "Yamada",
        "fullName": "Taro Yamada",
        "emailAddress": "user1@example.com",
        "createdAt": "2026-11-26T03:04:06.123456Z",
        "updatedAt": "2026-11-26T03:06:06.123456Z",
        "version": 3,
    }


async def test_an_id_is_accepted_in_lower_case_and_answered_in_upper_case(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1))

    account = await query_data(client, GET, {"id": account_id(1).lower()})

    assert account["id"] == account_id(1)


async def test_date_times_are_utc_with_six_fraction_digits(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    tokyo = timezone(timedelta(hours=9))
    await seed(
        read_model,
        account_row(1, created_at=datetime(2026, 11, 26, 12, 0, 0, tzinfo=tokyo)),
        account_row(2, created_at=datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC)),
    )

    first = await query_data(client, GET, {"id": account_id(1)})
    second = await query_data(client, GET, {"id": account_id(2)})

    assert first["createdAt"] == "2026-11-26T03:00:00.000000Z"
    assert second["createdAt"] == "2026-01-02T03:04:05.000007Z"


async def test_an_unknown_or_deleted_account_is_null(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1, deleted=True))

    assert await post_graphql(client, GET, {"id": account_id(1)}) == {
        "data": {"getUserAccount": None}
    }
    assert await post_graphql(client, GET, {"id": account_id(2)}) == {
        "data": {"getUserAccount": None}
    }


async def test_get_user_accounts_lists_live_accounts_by_id(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    rows = [account_row(number, deleted=number % 4 == 0) for number in range(1, 13)]
    random.Random(7).shuffle(rows)
    await seed(read_model, *rows)

    live = [account_id(number) for number in range(1, 13) if number % 4 != 0]
    assert await ids_of(client, LIST_DEFAULT) == live
    assert await ids_of(client, LIST, {"first": 3}) == live[:3]
    assert await ids_of(client, LIST, {"first": 3, "after": live[2]}) == live[3:6]


async def test_after_is_any_well_formed_id_existing_or_not(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(2), account_row(4), account_row(5, deleted=True))

    # 3 was never created, 5 is deleted: the cursor still means "ids greater than it".
    assert await ids_of(client, LIST, {"after": account_id(3)}) == [account_id(4)]
    assert await ids_of(client, LIST, {"after": account_id(5)}) == []
    assert await ids_of(client, LIST, {"after": account_id(1).lower()}) == [
        account_id(2),
        account_id(4),
    ]


async def test_first_defaults_to_100_when_absent_or_null(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, *(account_row(number) for number in range(1, 102)))

    assert len(await ids_of(client, LIST_DEFAULT)) == 100
    assert len(await ids_of(client, LIST, {})) == 100
    assert len(await ids_of(client, LIST, {"first": None})) == 100
    assert len(await ids_of(client, "{ getUserAccounts(first: null) { id } }")) == 100
    assert len(await ids_of(client, SEARCH, {"term": "taro"})) == 100


async def test_first_one_and_first_1000_are_accepted(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, *(account_row(number) for number in range(1, 1002)))

    assert await ids_of(client, LIST, {"first": 1}) == [account_id(1)]
    thousand = await ids_of(client, LIST, {"first": 1000})
    assert thousand == [account_id(number) for number in range(1, 1001)]
    assert len(await ids_of(client, SEARCH, {"term": "yamada", "first": 1000})) == 1000
    assert len(await ids_of(client, SEARCH, {"term": "yamada", "first": 1})) == 1


async def test_by_ids_answers_live_accounts_once_each_ordered_by_id(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, *(account_row(number) for number in range(1, 6)))
    await seed(read_model, account_row(6, deleted=True))

    asked = [
        account_id(5),
        account_id(2),
        account_id(5),
        account_id(2).lower(),
        account_id(6),
        account_id(99),
        account_id(1),
    ]

    assert await ids_of(client, BY_IDS, {"ids": asked}) == [
        account_id(1),
        account_id(2),
        account_id(5),
    ]


async def test_search_answers_matching_live_accounts_by_id_up_to_first(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    rows = [account_row(number, "Taro", f"Yamada{number}") for number in range(1, 8)]
    random.Random(3).shuffle(rows)
    await seed(read_model, *rows, account_row(8, "Hanako", "Suzuki"))

    found = await query_data(client, SEARCH, {"term": "taro", "first": 3})

    assert found == [
        {"id": account_id(number), "fullName": f"Taro Yamada{number}"} for number in (1, 2, 3)
    ]


async def test_deleted_accounts_are_hidden_from_every_query(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1, "Gone", "Person", version=2, deleted=True))
    deleted = account_id(1)

    assert await query_data(client, GET, {"id": deleted}) is None
    assert await ids_of(client, LIST_DEFAULT) == []
    assert await ids_of(client, BY_IDS, {"ids": [deleted]}) == []
    assert await ids_of(client, SEARCH, {"term": "Gone"}) == []


async def test_several_queries_in_one_request(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel
) -> None:
    await seed(read_model, account_row(1), account_row(2, "Hanako", "Suzuki"))

    answer = await post_graphql(
        client,
        f"""{{
          one: getUserAccount(userAccountId: "{account_id(2)}") {{ fullName }}
          all: getUserAccounts {{ id }}
          found: searchUserAccounts(searchTerm: "suzu") {{ id }}
        }}""",
    )

    assert answer == {
        "data": {
            "one": {"fullName": "Hanako Suzuki"},
            "all": [{"id": account_id(1)}, {"id": account_id(2)}],
            "found": [{"id": account_id(2)}],
        }
    }
