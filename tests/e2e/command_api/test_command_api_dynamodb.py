"""The Command API with its default adapters: the DynamoDB journal on a moto server."""

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app
from apps.command_api.container import CommandApiContainer
from infrastructure.settings import Settings
from tests.e2e.command_api.graphql_http import CREATE, RENAME, post_graphql
from tests.support.moto_server import DynamoDbTables

pytestmark = pytest.mark.e2e


async def serve_with(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    """The Command API with the container's defaults (DynamoDB), configured by `settings`."""
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield client
    # Cleanup closed the client the startup opened for the readiness check and the journal:
    # the container hands it out no more.
    assert not container.dynamodb_client.overridden


@pytest.fixture
async def dynamodb_client_api(
    moto_settings: Settings, dynamodb_tables: DynamoDbTables
) -> AsyncIterator[TestClient[Any, Any]]:
    settings = replace(
        moto_settings,
        journal_table_name=dynamodb_tables.journal,
        snapshot_table_name=dynamodb_tables.snapshot,
        key_table_name=dynamodb_tables.keys,
    )
    async for client in serve_with(settings):
        yield client


async def test_mutations_append_to_the_dynamodb_journal(
    dynamodb_client_api: TestClient[Any, Any], dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    created = await post_graphql(
        dynamodb_client_api,
        CREATE,
        {"input": {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "t@example.com"}},
    )
    account_id = created["data"]["createUserAccount"]["id"]
    renamed = await post_graphql(
        dynamodb_client_api,
        RENAME,
        {"input": {"userAccountId": account_id, "firstName": "Jiro", "lastName": "Yamada"}},
    )

    assert renamed == {"data": {"renameUserAccount": {"id": account_id, "version": 2}}}
    items = await dynamodb.query(
        TableName=dynamodb_tables.journal,
        KeyConditionExpression="pkey = :pkey",
        ExpressionAttributeValues={":pkey": {"S": f"UserAccount-{account_id}"}},
        ConsistentRead=True,
    )
    assert [int(item["skey"]["N"]) for item in items["Items"]] == [1, 2]


async def test_ready_describes_the_journal_table_and_loads_the_key_file(
    dynamodb_client_api: TestClient[Any, Any], moto_settings: Settings
) -> None:
    response = await dynamodb_client_api.get("/api/health/ready")

    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": {"dynamodb": "ok", "keys": "ok"}}
    assert await asyncio.to_thread(os.path.getsize, moto_settings.kek_file) == 32


async def test_ready_is_503_when_the_key_file_is_unusable(
    moto_settings: Settings, dynamodb_tables: DynamoDbTables, tmp_path: Path
) -> None:
    kek_file = tmp_path / "key-encryption-key"
    kek_file.write_bytes(b"not a key")
    kek_file.chmod(0o600)
    settings = replace(
        moto_settings, journal_table_name=dynamodb_tables.journal, local_kek_file=str(kek_file)
    )
    async for client in serve_with(settings):
        response = await client.get("/api/health/ready")

        assert response.status == 503
        answer = await response.json()
        assert answer["checks"]["dynamodb"] == "ok"
        assert answer["checks"]["keys"].startswith("KeyFileError: ")
        assert "holds 9 bytes" in answer["checks"]["keys"]


async def test_ready_is_503_when_the_journal_table_is_missing(moto_settings: Settings) -> None:
    settings = replace(moto_settings, journal_table_name="no-such-journal")
    async for client in serve_with(settings):
        response = await client.get("/api/health/ready")

        assert response.status == 503
        answer = await response.json()
        assert answer["status"] == "unavailable"
        assert answer["checks"]["dynamodb"].startswith("ResourceNotFoundException")
