"""Fixtures of the bad-input suite, and the figure it prints at the end of the run."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app as create_command_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.query_api.app import create_app as create_query_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from infrastructure.settings import Settings
from tests.e2e.bad_input.answers import InputCount
from tests.e2e.bad_input.served_stack import ServedApis, Stores, stores_in_use


@pytest.fixture(scope="session")
async def served_apis() -> AsyncIterator[ServedApis]:
    """Both APIs in in-memory mode with the default limits, started once for the session."""
    command = CommandApiContainer()
    command.settings.override(providers.Object(Settings()))
    use_in_memory_adapters(command)
    query = QueryApiContainer()
    query.settings.override(providers.Object(Settings()))
    use_in_memory_read_model(query)
    async with (
        TestClient(TestServer(create_command_app(command), host="127.0.0.1")) as command_client,
        TestClient(TestServer(create_query_app(query), host="127.0.0.1")) as query_client,
    ):
        yield ServedApis(command_client, query_client, command, query)


@pytest.fixture
def stores(served_apis: ServedApis) -> Iterator[Stores]:
    """Empty stores behind both APIs for one test (hypothesis examples of a test share them:
    each example compares the state before and after its own input)."""
    with stores_in_use(served_apis) as fresh:
        yield fresh


@pytest.fixture
def command_client(served_apis: ServedApis, stores: Stores) -> TestClient[Any, Any]:
    return served_apis.command


@pytest.fixture
def query_client(served_apis: ServedApis, stores: Stores) -> TestClient[Any, Any]:
    return served_apis.query


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if InputCount.value:
        terminalreporter.write_sep("-", "bad-input suite")
        terminalreporter.write_line(f"inputs tried: {InputCount.value}")
