"""Fixtures: the Command and Query APIs in memory, served in-process once per module, and a
scrape of their /metrics before and after a test's traffic."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from infrastructure.settings import Settings
from tests.e2e.auth.served import ServedCommandApi, command_api, query_api
from tests.support.metrics import Metrics


@pytest.fixture(scope="module")
async def commands() -> AsyncIterator[ServedCommandApi]:
    async with command_api(Settings()) as served:
        yield served


@pytest.fixture(scope="module")
async def queries() -> AsyncIterator[TestClient[Any, Any]]:
    async with query_api(Settings()) as client:
        yield client


async def scrape_client(client: TestClient[Any, Any]) -> Metrics:
    """GET /metrics of an in-process app (its own request is counted only by the next one)."""
    response = await client.get("/metrics")
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return Metrics(await response.text())
