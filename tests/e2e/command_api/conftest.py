"""Fixtures: one Command API served in-process for the session, a fresh journal per test."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from infrastructure.settings import Settings
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.graphql.command import COMMAND_SCHEMA
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys


@dataclass(frozen=True, slots=True)
class ServedCommandApi:
    client: TestClient[Any, Any]
    container: CommandApiContainer


def wire_resolvers(container: CommandApiContainer) -> None:
    """Point the (process-wide) resolvers at `container`: each test wires the one it uses."""
    container.wire(modules=list(COMMAND_SCHEMA.resolver_modules))


@pytest.fixture(scope="session")
async def in_memory_command_api() -> AsyncIterator[ServedCommandApi]:
    """The Command API in in-memory mode, started once (its engine is cooked once)."""
    container = CommandApiContainer()
    container.settings.override(providers.Object(Settings()))
    use_in_memory_adapters(container)
    async with TestClient(TestServer(create_app(container), host="127.0.0.1")) as client:
        yield ServedCommandApi(client, container)


@pytest.fixture
def command_container(in_memory_command_api: ServedCommandApi) -> CommandApiContainer:
    return in_memory_command_api.container


@pytest.fixture
def repository(command_container: CommandApiContainer) -> Iterator[InMemoryUserAccountRepository]:
    """An empty in-memory journal used by the session's API for one test."""
    fresh = InMemoryUserAccountRepository(InMemoryDataKeys())
    wire_resolvers(command_container)
    with command_container.repository.override(providers.Object(fresh)):
        yield fresh


@pytest.fixture
def client(
    in_memory_command_api: ServedCommandApi, repository: InMemoryUserAccountRepository
) -> TestClient[Any, Any]:
    """The session's client, talking to an API with an empty journal."""
    return in_memory_command_api.client
