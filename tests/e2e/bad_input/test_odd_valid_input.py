"""Valid but odd input succeeds and reads back exactly, in in-memory mode, by every transport.

Right-to-left text and marks, combining marks, emoji sequences, astral characters, a BOM or a
line separator inside a name, SQL and LIKE metacharacters, names of the maximum length: none of
these is an error (SPEC §2), and none may be altered on its way to the Query API.
"""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.user_account.text_rules import has_forbidden_characters
from tests.e2e.bad_input.answers import send_graphql
from tests.e2e.bad_input.hostile_values import graphql_literal
from tests.e2e.bad_input.served_stack import Stores
from tests.e2e.bad_input.suite import SUITE, TRANSPORTS

pytestmark = pytest.mark.e2e

ODD_NAMES = [
    pytest.param("\u05e9\u05dc\u05d5\u05dd", "\u0639\u0644\u064a", id="hebrew-and-arabic"),
    pytest.param("\u200fTaro\u200e", "\u202bYamada\u202c", id="bidi-marks-and-embeddings"),
    pytest.param("\u202eoraT", "\u2067Yamada\u2069", id="bidi-override-and-isolate"),
    pytest.param("Zoe\u0301", "e\u0301\u0301\u0301", id="combining-marks"),
    pytest.param("\U0001f469\u200d\U0001f4bb", "\U0001f1ef\U0001f1f5", id="emoji-sequences"),
    pytest.param("\ufeffTaro", "Ya\u2028mada", id="bom-and-line-separator"),
    pytest.param("O'Brien", '100%_\\"x"', id="sql-and-like-metacharacters"),
    pytest.param("'; DROP TABLE user_accounts; --", "%", id="sql-injection-text"),
    pytest.param("\U0001f600" * 256, "\U00010348" * 256, id="256-astral-characters"),
    pytest.param("\u5c71" * 256, "a" * 256, id="256-characters"),
    pytest.param("\ufffd\uffff", "\U0010ffff", id="replacement-and-noncharacters"),
]

CREATE = "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id } }"
READ = (
    "query($id: String!) { getUserAccount(userAccountId: $id) "
    "{ firstName lastName fullName emailAddress } }"
)


async def create(client: TestClient[Any, Any], first: str, last: str, transport: str) -> str:
    values = {"firstName": first, "lastName": last, "emailAddress": "odd@example.com"}
    if transport == "variables":
        answer = await send_graphql(client, CREATE, {"input": values})
    else:
        literal = graphql_literal(values, escape_non_ascii=transport == "escaped literal")
        answer = await send_graphql(
            client, f"mutation {{ createUserAccount(input: {literal}) {{ id }} }}"
        )
    assert answer.succeeded, answer
    account_id: str = answer.data["createUserAccount"]["id"]
    return account_id


async def read(client: TestClient[Any, Any], account_id: str) -> dict[str, Any]:
    answer = await send_graphql(client, READ, {"id": account_id}, counted=False)
    account: dict[str, Any] = answer.data["getUserAccount"]
    return account


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(("first", "last"), ODD_NAMES)
async def test_an_odd_valid_name_is_stored_and_read_back_exactly(
    command_client: TestClient[Any, Any],
    query_client: TestClient[Any, Any],
    first: str,
    last: str,
    transport: str,
) -> None:
    account_id = await create(command_client, first, last, transport)

    assert await read(query_client, account_id) == {
        "firstName": first.strip(),
        "lastName": last.strip(),
        "fullName": f"{first.strip()} {last.strip()}",
        "emailAddress": "odd@example.com",
    }
    found = await send_graphql(
        query_client,
        "query($term: String!) { searchUserAccounts(searchTerm: $term) { id } }",
        {"term": first.strip()[:100]},
    )
    assert {"id": account_id} in found.data["searchUserAccounts"]


# Any text a name may hold: no controls, no unpaired surrogates, not blank (SPEC §2).
valid_names = (
    st.text(
        st.one_of(
            st.characters(exclude_categories=("Cc", "Cs")),
            st.sampled_from("\u200e\u200f\u202a\u202e\u2066\u2069\ufeff\u2028\u0301'\"\\%_"),
        ),
        min_size=1,
        max_size=256,
    )
    .filter(lambda text: bool(text.strip()) and len(text.strip()) <= 256)
    .filter(lambda text: not has_forbidden_characters(text))
)


@settings(SUITE, max_examples=100)
@given(valid_names, valid_names)
async def test_any_valid_name_round_trips_exactly(
    command_client: TestClient[Any, Any],
    query_client: TestClient[Any, Any],
    stores: Stores,
    first: str,
    last: str,
) -> None:
    for transport in TRANSPORTS:
        account_id = await create(command_client, first, last, transport)

        account = await read(query_client, account_id)
        assert (account["firstName"], account["lastName"]) == (first.strip(), last.strip())
