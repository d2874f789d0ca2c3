"""SPEC §8.2 over HTTP: who may change and see which account, FORBIDDEN lists, AUTH_MODE=off."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.authz.served import Stack, served_stack
from tests.support.callers import ADMIN, ALICE, BOB, NO_AUTH
from use_case.caller import Caller

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
GET = "query Get($id: String!) { getUserAccount(userAccountId: $id) { id lastName version } }"
# Two root fields: not a prepared operation, so tartiflette itself runs it.
GET_TWO = """
query GetTwo($a: String!, $b: String!) {
  a: getUserAccount(userAccountId: $a) { id }
  b: getUserAccount(userAccountId: $b) { id }
}
"""
BY_IDS = "query ByIds($ids: [String!]!) { getUserAccountsByIds(userAccountIds: $ids) { id } }"
LIST = "query List($first: Int) { getUserAccounts(first: $first) { id } }"
SEARCH = "query Search($term: String!) { searchUserAccounts(searchTerm: $term) { id } }"

FORBIDDEN = {
    "message": "Only administrators may list or search user accounts",
    "extensions": {"code": "FORBIDDEN"},
}


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    async with served_stack() as served:
        yield served


async def create(stack: Stack, caller: Caller, last: str) -> str:
    names = {"firstName": "Taro", "lastName": last, "emailAddress": "taro@example.com"}
    answer = await stack.send(stack.command, caller, CREATE, {"input": names})
    account_id: str = answer["data"]["createUserAccount"]["id"]
    return account_id


async def rename(stack: Stack, caller: Caller, account_id: str, last: str) -> dict[str, Any]:
    names = {"userAccountId": account_id, "firstName": "Jiro", "lastName": last}
    return await stack.send(stack.command, caller, RENAME, {"input": names})


async def delete(stack: Stack, caller: Caller, account_id: str) -> dict[str, Any]:
    return await stack.send(stack.command, caller, DELETE, {"input": {"userAccountId": account_id}})


def code_of(answer: dict[str, Any]) -> str:
    [error] = answer["errors"]
    code: str = error["extensions"]["code"]
    return code


async def get(stack: Stack, caller: Caller, account_id: str) -> Any:
    answer = await stack.send(stack.query, caller, GET, {"id": account_id})
    assert "errors" not in answer, answer
    return answer["data"]["getUserAccount"]


async def test_another_subjects_commands_meet_not_found_and_change_nothing(stack: Stack) -> None:
    alices = await create(stack, ALICE, "Yamada")

    assert code_of(await rename(stack, BOB, alices, "Sato")) == "NOT_FOUND"
    assert code_of(await delete(stack, BOB, alices)) == "NOT_FOUND"
    assert (await rename(stack, BOB, alices, "Sato"))["errors"][0]["message"] == (
        "User account not found"
    )
    assert await get(stack, ALICE, alices) == {"id": alices, "lastName": "Yamada", "version": 1}


async def test_the_owner_and_an_admin_change_an_account(stack: Stack) -> None:
    alices = await create(stack, ALICE, "Yamada")

    renamed = await rename(stack, ALICE, alices, "Sato")
    by_admin = await rename(stack, ADMIN, alices, "Ito")
    deleted = await delete(stack, ADMIN, alices)

    assert renamed["data"]["renameUserAccount"] == {"id": alices, "version": 2}
    assert by_admin["data"]["renameUserAccount"] == {"id": alices, "version": 3}
    assert deleted["data"]["deleteUserAccount"] == {"id": alices, "version": 4}
    # Another's deleted account still does not exist for BOB; for its owner, it is deleted.
    assert code_of(await delete(stack, BOB, alices)) == "NOT_FOUND"
    assert code_of(await delete(stack, ALICE, alices)) == "ALREADY_DELETED"


async def test_gets_answer_own_accounts_and_treat_others_as_absent(stack: Stack) -> None:
    alices = await create(stack, ALICE, "Yamada")
    bobs = await create(stack, BOB, "Sato")

    assert await get(stack, BOB, alices) is None
    assert (await get(stack, BOB, bobs))["id"] == bobs
    assert (await get(stack, ADMIN, alices))["id"] == alices
    two = await stack.send(stack.query, BOB, GET_TWO, {"a": alices, "b": bobs})
    assert two == {"data": {"a": None, "b": {"id": bobs}}}
    by_ids = await stack.send(stack.query, BOB, BY_IDS, {"ids": [alices, bobs]})
    assert by_ids == {"data": {"getUserAccountsByIds": [{"id": bobs}]}}


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (LIST, {}, "getUserAccounts"),
        (LIST, {"first": 0}, "getUserAccounts"),  # FORBIDDEN before the arguments' rules
        (SEARCH, {"term": "Yamada"}, "searchUserAccounts"),
    ],
)
async def test_lists_and_searches_are_forbidden_to_subjects(
    stack: Stack, query: str, variables: dict[str, Any], field: str
) -> None:
    await create(stack, ALICE, "Yamada")

    answer = await stack.send(stack.query, ALICE, query, variables)  # asserts HTTP 200

    assert answer["data"] is None
    [error] = answer["errors"]
    assert {key: error[key] for key in ("message", "path", "extensions")} == {
        **FORBIDDEN,
        "path": [field],
    }


async def test_an_admin_sees_exactly_what_auth_mode_off_sees(stack: Stack) -> None:
    accounts = [
        await create(stack, ALICE, "Yamada"),
        await create(stack, BOB, "Yamada"),
        await create(stack, NO_AUTH, "Yamada"),
    ]
    await delete(stack, BOB, accounts[1])

    asked: list[tuple[str, dict[str, Any]]] = [
        (LIST, {}),
        (SEARCH, {"term": "yamada"}),
        (BY_IDS, {"ids": accounts}),
        (GET, {"id": accounts[2]}),
    ]
    for query, variables in asked:
        by_admin = await stack.send(stack.query, ADMIN, query, variables)
        with_auth_off = await stack.send(stack.query, NO_AUTH, query, variables)
        assert by_admin == with_auth_off
        assert "errors" not in by_admin
    listed = await stack.send(stack.query, ADMIN, LIST, {})
    assert listed["data"]["getUserAccounts"] == [{"id": accounts[0]}, {"id": accounts[2]}]


async def test_with_auth_mode_off_an_account_has_no_owner(stack: Stack) -> None:
    ownerless = await create(stack, NO_AUTH, "Yamada")

    assert await get(stack, ALICE, ownerless) is None
    assert code_of(await rename(stack, ALICE, ownerless, "Sato")) == "NOT_FOUND"
    renamed = await rename(stack, NO_AUTH, ownerless, "Sato")
    assert renamed["data"]["renameUserAccount"] == {"id": ownerless, "version": 2}
