"""The `server` fixture: a durable local DynamoDB on a free port and its own data directory."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.devstack.local_dynamodb_process import LocalDynamoDb
from tests.support.ports import free_port


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LocalDynamoDb]:
    local = LocalDynamoDb(tmp_path / "dynamodb", free_port())
    await local.start()
    try:
        yield local
    finally:
        if local.process is not None:
            local.process.kill()
            local.process.wait(30)
