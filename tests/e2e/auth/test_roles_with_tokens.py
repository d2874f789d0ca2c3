"""SPEC §8.2 end to end with real bearer tokens: both APIs in jwt mode on one in-memory journal and
read model; an owner, another subject and an admin, each with a token of the issuer."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from apps.command_api.app import create_app as create_command_app
from apps.in_memory.stack import use_in_memory_stack
from apps.query_api.app import create_app as create_query_app
from tests.e2e.auth.served import GRAPHQL, jwt_settings
from tests.support.containers import api_containers
from tests.support.tokens import ADMIN_SCOPE, IssuerKeys

pytestmark = pytest.mark.e2e

FIELDS = "id firstName version"


@dataclass(frozen=True, slots=True)
class Stack:
    commands: TestClient[Any, Any]
    queries: TestClient[Any, Any]
    issuer: IssuerKeys

    def token(self, subject: str, *, admin: bool = False) -> str:
        return self.issuer.token(subject, scope=ADMIN_SCOPE if admin else "profile")

    async def command(self, token: str, query: str) -> dict[str, Any]:
        return await self._post(self.commands, token, query)

    async def query(self, token: str, query: str) -> dict[str, Any]:
        return await self._post(self.queries, token, query)

    @staticmethod
    async def _post(client: TestClient[Any, Any], token: str, query: str) -> dict[str, Any]:
        response = await client.post(
            GRAPHQL, json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer


@pytest.fixture
async def stack(issuer: IssuerKeys, jwks_file: Path) -> AsyncIterator[Stack]:
    settings = jwt_settings(jwks_file=jwks_file)
    command, query = api_containers(settings)
    use_in_memory_stack(command, query)
    async with (
        TestClient(TestServer(create_command_app(command), host="127.0.0.1")) as commands,
        TestClient(TestServer(create_query_app(query), host="127.0.0.1")) as queries,
    ):
        yield Stack(commands, queries, issuer)


def create(first: str) -> str:
    return (
        f'mutation {{ createUserAccount(input: {{firstName: "{first}", lastName: "Yamada",'
        ' emailAddress: "taro@example.com"}) { id version } }'
    )


def rename(account_id: str, first: str) -> str:
    return (
        f'mutation {{ renameUserAccount(input: {{userAccountId: "{account_id}",'
        f' firstName: "{first}", lastName: "Yamada"}}) {{ id version }} }}'
    )


def delete(account_id: str) -> str:
    return f'mutation {{ deleteUserAccount(input: {{userAccountId: "{account_id}"}}) {{ id }} }}'


def code_of(answer: dict[str, Any]) -> str:
    code: str = answer["errors"][0]["extensions"]["code"]
    return code


async def test_only_the_owner_and_an_admin_see_and_change_an_account(stack: Stack) -> None:
    alice, bob = stack.token("alice"), stack.token("bob")
    admin = stack.token("operator", admin=True)
    created = await stack.command(alice, create("Taro"))
    account_id = created["data"]["createUserAccount"]["id"]

    # Another subject: the account does not exist for it.
    assert code_of(await stack.command(bob, rename(account_id, "Jiro"))) == "NOT_FOUND"
    assert code_of(await stack.command(bob, delete(account_id))) == "NOT_FOUND"
    get = f'{{ getUserAccount(userAccountId: "{account_id}") {{ {FIELDS} }} }}'
    by_ids = f'{{ getUserAccountsByIds(userAccountIds: ["{account_id}"]) {{ {FIELDS} }} }}'
    assert (await stack.query(bob, get))["data"] == {"getUserAccount": None}
    assert (await stack.query(bob, by_ids))["data"] == {"getUserAccountsByIds": []}
    # Lists and searches are the admins'.
    listing = f"{{ getUserAccounts(first: 10) {{ {FIELDS} }} }}"
    search = f'{{ searchUserAccounts(searchTerm: "Yamada") {{ {FIELDS} }} }}'
    for token in (alice, bob):
        for document in (listing, search):
            answer = await stack.query(token, document)
            assert code_of(answer) == "FORBIDDEN"
            assert answer["errors"][0]["message"] == (
                "Only administrators may list or search user accounts"
            )

    # The owner sees and changes it; so does an admin, who also lists it.
    assert (await stack.command(alice, rename(account_id, "Jiro")))["data"] is not None
    assert (await stack.query(alice, get))["data"]["getUserAccount"]["firstName"] == "Jiro"
    renamed = await stack.command(admin, rename(account_id, "Saburo"))
    assert renamed["data"]["renameUserAccount"]["version"] == 3
    listed = (await stack.query(admin, listing))["data"]["getUserAccounts"]
    assert [(row["id"], row["firstName"]) for row in listed] == [(account_id, "Saburo")]
    assert (await stack.query(admin, search))["data"]["searchUserAccounts"][0]["id"] == account_id
    # Nothing bob tried changed anything.
    assert (await stack.query(alice, get))["data"]["getUserAccount"]["version"] == 3
