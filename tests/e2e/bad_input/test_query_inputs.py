"""Hostile values in every argument of every query, as variables and as literals in the document.

Whatever the value, the answer is well formed, and reading never changes the stores.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.e2e.bad_input.answers import Answer, send_graphql
from tests.e2e.bad_input.hostile_values import (
    graphql_literal,
    hostile_texts,
    json_values,
    valid_ids,
)
from tests.e2e.bad_input.served_stack import Stores
from tests.e2e.bad_input.suite import SUITE, TRANSPORTS

pytestmark = pytest.mark.e2e

# Each query's arguments and their declared types.
ARGUMENTS = {
    "getUserAccount": {"userAccountId": "String!"},
    "getUserAccounts": {"first": "Int", "after": "String"},
    "getUserAccountsByIds": {"userAccountIds": "[String!]!"},
    "searchUserAccounts": {"searchTerm": "String!", "first": "Int"},
}
WRONG_TYPES = ("Int", "String", "Boolean", "[Int]", "[[String!]!]", "CreateUserAccountInput")
SELECTION = "id firstName lastName fullName emailAddress createdAt updatedAt version"
SEEDED_NAMES = (
    ("Taro", "Yamada"),
    ("\u202eoraT", "\u05e9\u05dc\u05d5\u05dd"),
    ("O'Brien", "100%_sure\\"),
    ("'; DROP TABLE user_accounts; --", "%"),
)
_MISSING = object()

_first_values = st.one_of(
    st.integers(min_value=-2, max_value=1002),
    st.sampled_from([0, 1, 1000, 1001, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1]),
)
_id_values = st.one_of(valid_ids, hostile_texts)
_valid_values = {
    "userAccountId": _id_values,
    "after": _id_values,
    "first": _first_values,
    "userAccountIds": st.lists(_id_values, max_size=5)
    | st.lists(valid_ids, min_size=99, max_size=102),
    "searchTerm": st.one_of(
        st.sampled_from(["ya", "TARO", "%", "_s", "\\", "'", "--"]), hostile_texts
    ),
}


@dataclass(frozen=True, slots=True)
class QueryInput:
    query: str
    arguments: dict[str, Any]
    # Declared variable types, where the test declares a wrong one on purpose.
    wrong_types: dict[str, str]


@st.composite
def query_inputs(draw: st.DrawFn) -> QueryInput:
    query = draw(st.sampled_from(sorted(ARGUMENTS)))
    arguments: dict[str, Any] = {}
    wrong_types: dict[str, str] = {}
    for name in ARGUMENTS[query]:
        value = draw(
            st.one_of(_valid_values[name], _valid_values[name], json_values, st.just(_MISSING))
        )
        if value is not _MISSING:
            arguments[name] = value
            if draw(st.integers(0, 9)) == 0:
                wrong_types[name] = draw(st.sampled_from(WRONG_TYPES))
    if draw(st.integers(0, 14)) == 0:
        arguments[draw(st.sampled_from(["unknown", "id", "last"]))] = draw(json_values)
    return QueryInput(query, arguments, wrong_types)


@settings(SUITE, max_examples=300)
@given(query_inputs())
async def test_any_query_argument_is_answered_cleanly_and_changes_nothing(
    command_client: TestClient[Any, Any],
    query_client: TestClient[Any, Any],
    stores: Stores,
    case: QueryInput,
) -> None:
    if not stores.committed:
        await seed_accounts(command_client)
    before = await stores.state()

    for transport in TRANSPORTS:
        answer = await send_query(query_client, case, transport)

        assert await stores.state() == before, answer
        if answer.succeeded:
            assert_live_accounts(answer, case.query)


async def send_query(client: TestClient[Any, Any], case: QueryInput, transport: str) -> Answer:
    if transport == "variables":
        declared = {
            name: case.wrong_types.get(name, ARGUMENTS[case.query].get(name, "String"))
            for name in case.arguments
        }
        definitions = ", ".join(f"${name}: {kind}" for name, kind in declared.items())
        uses = ", ".join(f"{name}: ${name}" for name in case.arguments)
        query = (
            f"query{f'({definitions})' if definitions else ''} "
            f"{{ {case.query}{f'({uses})' if uses else ''} {{ {SELECTION} }} }}"
        )
        return await send_graphql(client, query, case.arguments)
    escaped = transport == "escaped literal"
    uses = ", ".join(
        f"{name}: {graphql_literal(value, escaped)}" for name, value in case.arguments.items()
    )
    query = f"{{ {case.query}{f'({uses})' if uses else ''} {{ {SELECTION} }} }}"
    return await send_graphql(client, query)


def assert_live_accounts(answer: Answer, query: str) -> None:
    found = answer.data[query]
    accounts = found if isinstance(found, list) else [] if found is None else [found]
    for account in accounts:
        assert account["fullName"] == f"{account['firstName']} {account['lastName']}"
        assert account["version"] == 1
    ids = [account["id"] for account in accounts]
    assert ids == sorted(set(ids))


async def seed_accounts(client: TestClient[Any, Any]) -> None:
    """Accounts with odd names, and one deleted (never to be returned)."""
    for index, (first, last) in enumerate(SEEDED_NAMES):
        created = await send_graphql(
            client,
            "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id } }",
            {"input": {"firstName": first, "lastName": last, "emailAddress": "a@example.com"}},
            counted=False,
        )
        if index == len(SEEDED_NAMES) - 1:
            account_id = created.data["createUserAccount"]["id"]
            await send_graphql(
                client,
                "mutation($id: String!) { deleteUserAccount(input: {userAccountId: $id}) { id } }",
                {"id": account_id},
                counted=False,
            )
