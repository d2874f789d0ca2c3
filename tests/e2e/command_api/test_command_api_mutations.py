"""Each mutation over HTTP: the answer's id and version, and the events it stored."""

import re
from importlib.metadata import version
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountId,
    UserAccountRenamed,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.e2e.command_api.graphql_http import (
    CREATE,
    DELETE,
    RENAME,
    ULID_PATTERN,
    create_account,
    post_graphql,
)

pytestmark = pytest.mark.e2e


async def test_create_answers_a_new_id_at_version_1_and_stores_the_event(
    client: TestClient[Any, Any], repository: InMemoryUserAccountRepository
) -> None:
    answer = await post_graphql(
        client,
        CREATE,
        {"input": {"firstName": " 山田 ", "lastName": "太郎", "emailAddress": "taro@example.com"}},
    )

    assert "errors" not in answer
    result = answer["data"]["createUserAccount"]
    assert re.fullmatch(ULID_PATTERN, result["id"])
    assert result["version"] == 1
    [event] = await repository.events_of(UserAccountId(result["id"]))
    assert isinstance(event, UserAccountCreated)
    assert (event.name.first_name, event.name.last_name) == ("山田", "太郎")
    assert str(event.email_address) == "taro@example.com"


async def test_rename_answers_the_next_version_and_stores_old_and_new_name(
    client: TestClient[Any, Any], repository: InMemoryUserAccountRepository
) -> None:
    account_id = await create_account(client, "Taro", "Yamada")

    answer = await post_graphql(
        client,
        RENAME,
        {"input": {"userAccountId": account_id, "firstName": "Jiro", "lastName": "Yamada"}},
    )

    assert answer == {"data": {"renameUserAccount": {"id": account_id, "version": 2}}}
    renamed = (await repository.events_of(UserAccountId(account_id)))[-1]
    assert isinstance(renamed, UserAccountRenamed)
    assert renamed.old_name.first_name == "Taro"
    assert renamed.new_name.first_name == "Jiro"


async def test_delete_answers_the_next_version_and_stores_the_event(
    client: TestClient[Any, Any], repository: InMemoryUserAccountRepository
) -> None:
    account_id = await create_account(client)
    await post_graphql(
        client, RENAME, {"input": {"userAccountId": account_id, "firstName": "A", "lastName": "B"}}
    )

    answer = await post_graphql(client, DELETE, {"input": {"userAccountId": account_id}})

    assert answer == {"data": {"deleteUserAccount": {"id": account_id, "version": 3}}}
    assert isinstance(
        (await repository.events_of(UserAccountId(account_id)))[-1], UserAccountDeleted
    )


async def test_ids_are_accepted_in_lower_case(
    client: TestClient[Any, Any], repository: InMemoryUserAccountRepository
) -> None:
    account_id = await create_account(client)

    answer = await post_graphql(client, DELETE, {"input": {"userAccountId": account_id.lower()}})

    assert answer == {"data": {"deleteUserAccount": {"id": account_id, "version": 2}}}


async def test_inline_arguments_work_like_variables(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(
        client,
        'mutation { createUserAccount(input: {firstName: "A", lastName: "B", '
        'emailAddress: "a@example.com"}) { version } }',
    )

    assert answer == {"data": {"createUserAccount": {"version": 1}}}


async def test_command_api_version_is_the_package_version(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(client, "{ commandApiVersion }")

    assert answer == {"data": {"commandApiVersion": version("pcqrses")}}


async def test_null_variables_and_operation_name_mean_absent(
    client: TestClient[Any, Any],
) -> None:
    response = await client.post(
        "/api/graphql",
        json={"query": "{ commandApiVersion }", "variables": None, "operationName": None},
    )

    assert response.status == 200
    assert (await response.json())["data"]["commandApiVersion"]


async def test_operation_name_selects_one_of_several_operations(
    client: TestClient[Any, Any],
) -> None:
    document = "query A { a: commandApiVersion } query B { b: commandApiVersion }"

    answer = await post_graphql(client, document, operationName="B")

    assert list(answer["data"]) == ["b"]
