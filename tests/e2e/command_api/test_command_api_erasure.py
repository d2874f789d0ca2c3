"""eraseUserAccount end to end (SPEC §9.4): the Command API with its DynamoDB journal, snapshots
and key table on moto, callers with bearer tokens; accounts created now (V2) and accounts the
previous version wrote (V1, clear text), scanned for clear text once erased."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app
from apps.command_api.container import CommandApiContainer
from infrastructure.settings import Settings
from tests.e2e.auth.served import GRAPHQL, jwt_settings
from tests.support import recorded_v1
from tests.support.moto_server import DynamoDbTables
from tests.support.tokens import ADMIN_SCOPE, IssuerKeys, write_jwks

pytestmark = pytest.mark.e2e

MARKER = "Zq9Erase"


@dataclass(frozen=True, slots=True)
class Served:
    client: TestClient[Any, Any]
    issuer: IssuerKeys

    def token(self, subject: str, *, admin: bool = False) -> str:
        return self.issuer.token(subject, scope=ADMIN_SCOPE if admin else "profile")

    async def command(self, token: str, query: str) -> dict[str, Any]:
        response = await self.client.post(
            GRAPHQL, json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer

    async def created_by(self, token: str) -> str:
        answer = await self.command(
            token,
            f'mutation {{ createUserAccount(input: {{firstName: "Taro{MARKER}", lastName: '
            f'"Yamada", emailAddress: "taro{MARKER}@example.com"}}) {{ id version }} }}',
        )
        account_id: str = answer["data"]["createUserAccount"]["id"]
        return account_id


@pytest.fixture
async def served(
    moto_settings: Settings, dynamodb_tables: DynamoDbTables, tmp_path: Path
) -> AsyncIterator[Served]:
    issuer = IssuerKeys()
    jwks_file = write_jwks(tmp_path / "jwks.json", issuer.rsa, issuer.ec)
    settings = replace(
        jwt_settings(jwks_file=jwks_file),
        dynamodb_endpoint_url=moto_settings.dynamodb_endpoint_url,
        local_kek_file=moto_settings.local_kek_file,
        journal_table_name=dynamodb_tables.journal,
        snapshot_table_name=dynamodb_tables.snapshot,
        key_table_name=dynamodb_tables.keys,
        snapshot_interval=2,  # snapshots too, sealed and then keyless
    )
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield Served(client, issuer)


def rename(account_id: str) -> str:
    return (
        f'mutation {{ renameUserAccount(input: {{userAccountId: "{account_id}",'
        f' firstName: "Jiro{MARKER}", lastName: "Yamada"}}) {{ id version }} }}'
    )


def by_id(mutation: str, account_id: str) -> str:
    return f'mutation {{ {mutation}(input: {{userAccountId: "{account_id}"}}) {{ id version }} }}'


def delete(account_id: str) -> str:
    return by_id("deleteUserAccount", account_id)


def erase(account_id: str) -> str:
    return by_id("eraseUserAccount", account_id)


def code_of(answer: dict[str, Any]) -> str:
    assert answer["data"] is None, answer
    code: str = answer["errors"][0]["extensions"]["code"]
    return code


async def scanned(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        response = await dynamodb.scan(**request)
        items.extend(response["Items"])
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def values_of(items: list[dict[str, Any]]) -> list[bytes]:
    """Every attribute value of `items`, as bytes."""
    found: list[bytes] = []
    for item in items:
        for attribute in item.values():
            [(kind, value)] = attribute.items()
            found.append(value if kind == "B" else str(value).encode())
    return found


async def key_of(dynamodb: Any, tables: DynamoDbTables, account_id: str) -> dict[str, Any] | None:
    response = await dynamodb.get_item(
        TableName=tables.keys, Key={"pkey": {"S": account_id}}, ConsistentRead=True
    )
    item: dict[str, Any] | None = response.get("Item")
    return item


async def test_an_erased_account_answers_not_found_to_every_command_and_its_key_is_gone(
    served: Served, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    alice = served.token("alice")
    account_id = await served.created_by(alice)
    await served.command(alice, rename(account_id))
    assert await key_of(dynamodb, dynamodb_tables, account_id) is not None

    answer = await served.command(alice, erase(account_id))

    assert answer == {"data": {"eraseUserAccount": {"id": account_id, "version": 3}}}
    for document in (rename(account_id), delete(account_id), erase(account_id)):
        assert code_of(await served.command(alice, document)) == "NOT_FOUND"
    assert await key_of(dynamodb, dynamodb_tables, account_id) is None
    journal = await scanned(dynamodb, dynamodb_tables.journal)
    assert [item["event_type"]["S"] for item in journal] == [
        "UserAccountEvent.Created",
        "UserAccountEvent.Renamed",
        "UserAccountEvent.Erased",
    ]
    assert not [v for v in values_of(journal) if MARKER.encode() in v]


async def test_an_account_the_previous_version_wrote_keeps_no_clear_text_once_erased(
    served: Served, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    for item in recorded_v1.journal_items()[:3]:  # created, renamed twice: not deleted
        await dynamodb.put_item(TableName=dynamodb_tables.journal, Item=item)
    snapshot = recorded_v1.snapshot_item(2)
    await dynamodb.put_item(TableName=dynamodb_tables.snapshot, Item=snapshot)
    clear = [b"Taro", b"Jiro", "山田".encode(), "太郎".encode(), b"taro@example.com"]
    stored = values_of(await scanned(dynamodb, dynamodb_tables.journal)) + values_of(
        await scanned(dynamodb, dynamodb_tables.snapshot)
    )
    assert [text for text in clear if any(text in value for value in stored)] == clear
    owner = served.token(recorded_v1.OWNER)
    account_id = recorded_v1.ACCOUNT.value

    answer = await served.command(owner, erase(account_id))

    assert answer == {"data": {"eraseUserAccount": {"id": account_id, "version": 4}}}
    journal = await scanned(dynamodb, dynamodb_tables.journal)
    snapshots = await scanned(dynamodb, dynamodb_tables.snapshot)
    stored = values_of(journal) + values_of(snapshots)
    assert [text for text in clear if any(text in value for value in stored)] == []
    # In place: the same items, numbers and event ids, now V2 (and the Erased event).
    assert [
        (item["skey"]["N"], item["event_id"]["S"], item["event_version"]["S"]) for item in journal
    ] == [
        *((str(event.seq_nr), event.event_id, "V2") for event in recorded_v1.EVENTS[:3]),
        ("4", journal[-1]["event_id"]["S"], "V1"),
    ]
    assert journal[-1]["event_type"] == {"S": "UserAccountEvent.Erased"}
    # The clear snapshot at 2 was sealed, then replaced by the erased one at 4 (the interval).
    assert [item["seq_nr"] for item in snapshots] == [{"N": "4"}]
    # A key was made for the rewrite and destroyed after the event.
    assert await key_of(dynamodb, dynamodb_tables, account_id) is None
    assert code_of(await served.command(owner, rename(account_id))) == "NOT_FOUND"


async def test_the_owner_or_an_admin_may_erase_anyone_else_meets_not_found(
    served: Served, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    alice, bob = served.token("alice"), served.token("bob")
    admin = served.token("operator", admin=True)
    first, second = await served.created_by(alice), await served.created_by(alice)

    assert code_of(await served.command(bob, erase(first))) == "NOT_FOUND"
    assert await key_of(dynamodb, dynamodb_tables, first) is not None
    # The owner erases a deleted account; an admin erases another's.
    await served.command(alice, delete(first))
    by_owner = await served.command(alice, erase(first))
    by_admin = await served.command(admin, erase(second))

    assert by_owner == {"data": {"eraseUserAccount": {"id": first, "version": 3}}}
    assert by_admin == {"data": {"eraseUserAccount": {"id": second, "version": 2}}}
    assert code_of(await served.command(admin, erase(first))) == "NOT_FOUND"
    for account_id in (first, second):
        assert await key_of(dynamodb, dynamodb_tables, account_id) is None
