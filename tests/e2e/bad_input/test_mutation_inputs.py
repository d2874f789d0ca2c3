"""Hostile values in every field of every mutation, as variables and as literals in the document.

Whatever the value, the answer is well formed; a refused command leaves the journal and the
read model as they were; an accepted one appends exactly its event, and what it stored reads
back exactly through the Query API.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.user_account import UserAccountCreated, UserAccountDeleted, UserAccountRenamed
from tests.e2e.bad_input.answers import Answer, send_graphql
from tests.e2e.bad_input.hostile_values import (
    as_server_reads,
    graphql_literal,
    hostile_texts,
    json_values,
    valid_ids,
)
from tests.e2e.bad_input.served_stack import Stores, StoreState
from tests.e2e.bad_input.suite import SUITE, TRANSPORTS
from tests.support.strategies import name_texts, valid_email_texts

pytestmark = pytest.mark.e2e

FIELDS = {
    "createUserAccount": ("firstName", "lastName", "emailAddress"),
    "renameUserAccount": ("userAccountId", "firstName", "lastName"),
    "deleteUserAccount": ("userAccountId",),
}
INPUT_TYPES = {
    "createUserAccount": "CreateUserAccountInput",
    "renameUserAccount": "RenameUserAccountInput",
    "deleteUserAccount": "DeleteUserAccountInput",
}
# Placeholders for ids of accounts that exist when the input is sent.
LIVE, DELETED = "<live account>", "<deleted account>"
_MISSING = object()

_valid_values = {
    "firstName": name_texts,
    "lastName": name_texts,
    "emailAddress": valid_email_texts,
    "userAccountId": st.one_of(st.sampled_from([LIVE, DELETED]), valid_ids),
}


@dataclass(frozen=True, slots=True)
class MutationInput:
    mutation: str
    input: Any


@st.composite
def mutation_inputs(draw: st.DrawFn) -> MutationInput:
    mutation = draw(st.sampled_from(sorted(FIELDS)))
    if draw(st.integers(0, 19)) == 0:
        # The whole input of a wrong type (or shape).
        return MutationInput(mutation, draw(json_values))
    fields: dict[str, Any] = {}
    for name in FIELDS[mutation]:
        value = draw(
            st.one_of(
                _valid_values[name],
                _valid_values[name],
                hostile_texts,
                json_values,
                st.just(_MISSING),
            )
        )
        if value is not _MISSING:
            fields[name] = value
    if draw(st.integers(0, 9)) == 0:
        fields[draw(st.sampled_from(["extra", "id", "firstName"]))] = draw(json_values)
    return MutationInput(mutation, fields)


@settings(SUITE, max_examples=400)
@given(mutation_inputs())
async def test_any_mutation_input_is_answered_cleanly_and_only_a_success_writes(
    command_client: TestClient[Any, Any],
    query_client: TestClient[Any, Any],
    stores: Stores,
    case: MutationInput,
) -> None:
    for transport in TRANSPORTS:
        command_input = await resolve_ids(command_client, case.input)
        before = await stores.state()

        answer = await send_mutation(command_client, case.mutation, command_input, transport)

        if answer.succeeded:
            await assert_applied(query_client, stores, before, case.mutation, command_input, answer)
        else:
            assert await stores.state() == before, answer


async def assert_applied(
    query_client: TestClient[Any, Any],
    stores: Stores,
    before: StoreState,
    mutation: str,
    command_input: dict[str, Any],
    answer: Answer,
) -> None:
    """Exactly the command's event was stored, and what it stored reads back."""
    result = answer.data[mutation]
    [event] = stores.events_since(before)
    assert (str(event.aggregate_id), event.seq_nr) == (result["id"], result["version"])
    if mutation == "deleteUserAccount":
        assert isinstance(event, UserAccountDeleted)
        return
    assert isinstance(event, UserAccountCreated | UserAccountRenamed)
    await assert_reads_back(query_client, result["id"], command_input)


async def send_mutation(
    client: TestClient[Any, Any], mutation: str, command_input: Any, transport: str
) -> Answer:
    if transport == "variables":
        query = (
            f"mutation($input: {INPUT_TYPES[mutation]}!) "
            f"{{ {mutation}(input: $input) {{ id version }} }}"
        )
        return await send_graphql(client, query, {"input": command_input})
    literal = graphql_literal(command_input, escape_non_ascii=transport == "escaped literal")
    return await send_graphql(
        client, f"mutation {{ {mutation}(input: {literal}) {{ id version }} }}"
    )


async def resolve_ids(client: TestClient[Any, Any], command_input: Any) -> Any:
    """The input with its id placeholders replaced by the id of an account made for it."""
    if not isinstance(command_input, dict) or command_input.get("userAccountId") not in (
        LIVE,
        DELETED,
    ):
        return command_input
    placeholder = command_input["userAccountId"]
    created = await send_graphql(
        client,
        "mutation { createUserAccount(input: "
        '{firstName: "Taro", lastName: "Yamada", emailAddress: "taro@example.com"}) { id } }',
        counted=False,
    )
    account_id = created.data["createUserAccount"]["id"]
    if placeholder == DELETED:
        deleted = await send_graphql(
            client,
            f'mutation {{ deleteUserAccount(input: {{userAccountId: "{account_id}"}}) {{ id }} }}',
            counted=False,
        )
        assert deleted.succeeded, deleted
    return {**command_input, "userAccountId": account_id}


async def assert_reads_back(
    query_client: TestClient[Any, Any], account_id: str, command_input: dict[str, Any]
) -> None:
    """The Query API shows exactly the trimmed values the client sent (as the server read them:
    JSON joins a surrogate pair sent as two escapes into one character)."""
    answer = await send_graphql(
        query_client,
        "query($id: String!) { getUserAccount(userAccountId: $id) "
        "{ id firstName lastName fullName emailAddress } }",
        {"id": account_id},
        counted=False,
    )
    account = answer.data["getUserAccount"]
    sent = as_server_reads(command_input)
    assert account["firstName"] == sent["firstName"].strip()
    assert account["lastName"] == sent["lastName"].strip()
    assert account["fullName"] == f"{account['firstName']} {account['lastName']}"
    if "emailAddress" in sent:
        assert account["emailAddress"] == sent["emailAddress"].strip()
