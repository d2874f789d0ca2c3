"""The Command and Query APIs served in-process with given settings, and a store that waits."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from dependency_injector import providers

from apps.command_api.app import create_app as create_command_app
from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.query_api.app import create_app as create_query_app
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from domain.user_account import UserAccountEvent
from infrastructure.settings import Settings
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys

CREATE = """
mutation { createUserAccount(input: {firstName: "Taro", lastName: "Yamada",
  emailAddress: "taro@example.com"}) { id version } }
"""


class GatedRepository(InMemoryUserAccountRepository):
    """An in-memory journal whose appends wait until the gate opens (a store that hangs).

    The gate is on `store`, which every command reaches (a create loads nothing)."""

    def __init__(self) -> None:
        super().__init__(InMemoryDataKeys())
        self.gate = asyncio.Event()
        self.waiting = 0
        self.stored: list[UserAccountEvent] = []
        self._arrivals = asyncio.Condition()

    async def until_waiting(self, count: int) -> None:
        """Return once `count` appends wait at the gate (at most 10 s)."""
        async with asyncio.timeout(10), self._arrivals:
            await self._arrivals.wait_for(lambda: self.waiting >= count)

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        async with self._arrivals:
            self.waiting += 1
            self._arrivals.notify_all()
        try:
            await self.gate.wait()
        finally:
            self.waiting -= 1
        await super().store(expected_version, events)
        self.stored.extend(events)


@asynccontextmanager
async def command_api(
    settings: Settings, repository: InMemoryUserAccountRepository | None = None
) -> AsyncIterator[TestClient[Any, Any]]:
    """The Command API as `python -m apps.command_api --in-memory` builds it from `settings`."""
    app = command_app(settings, repository)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def command_app(
    settings: Settings, repository: InMemoryUserAccountRepository | None = None
) -> web.Application:
    """The app of `command_api`, to serve another way."""
    container = CommandApiContainer()
    container.settings.override(providers.Object(settings))
    use_in_memory_adapters(container)
    if repository is not None:
        container.repository.override(providers.Object(repository))
    return create_command_app(container)


@asynccontextmanager
async def query_api(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    """The Query API on an empty in-memory read model, built from `settings`."""
    container = QueryApiContainer()
    container.settings.override(providers.Object(settings))
    use_in_memory_read_model(container)
    async with TestClient(TestServer(create_query_app(container), host="127.0.0.1")) as client:
        yield client
