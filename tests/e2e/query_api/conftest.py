"""Fixtures: one Query API served in-process for the session, a fresh read model per test."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.query_api.app import create_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.e2e.query_api.served import ServedQueryApi, wire_resolvers


@pytest.fixture(scope="session")
async def in_memory_query_api() -> AsyncIterator[ServedQueryApi]:
    """The Query API on an in-memory read model, started once (its engine is cooked once)."""
    container = QueryApiContainer()
    container.settings.override(providers.Object(Settings()))
    use_in_memory_read_model(container)
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield ServedQueryApi(client, container)


@pytest.fixture
def query_container(in_memory_query_api: ServedQueryApi) -> QueryApiContainer:
    return in_memory_query_api.container


@pytest.fixture
def read_model(query_container: QueryApiContainer) -> Iterator[InMemoryUserAccountReadModel]:
    """An empty in-memory read model used by the session's API for one test."""
    fresh = InMemoryUserAccountReadModel()
    wire_resolvers(query_container)
    with query_container.read_model.override(providers.Object(fresh)):
        yield fresh


@pytest.fixture
def client(
    in_memory_query_api: ServedQueryApi, read_model: InMemoryUserAccountReadModel
) -> TestClient[Any, Any]:
    """The session's client, talking to an API with an empty read model."""
    return in_memory_query_api.client
