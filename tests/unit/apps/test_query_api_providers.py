"""The Query API's use cases come as plain objects on the pool the app hands over; overrides
still apply, and in-memory mode opens nothing."""

import inspect

import pytest
from dependency_injector import errors, providers

from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel

pytestmark = pytest.mark.unit


async def test_use_cases_need_no_awaiting_on_the_pool_handed_over() -> None:
    container = QueryApiContainer()
    # The pool opens connections on demand: nothing listens there, nothing connects.
    unreachable = "postgresql://nobody@127.0.0.1:9/none"
    container.settings.override(providers.Object(Settings(database_url=unreachable)))

    async with container.connections() as pool:
        use_case = container.get_user_account()
        assert not inspect.isawaitable(use_case)
        assert isinstance(use_case._queries, PostgresUserAccountReadModel)
        assert use_case._queries._pool is pool
        in_memory = InMemoryUserAccountReadModel()
        with container.read_model.override(providers.Object(in_memory)):
            assert container.search_user_accounts()._queries is in_memory

    # Closed: the container no longer hands the pool out.
    with pytest.raises(errors.Error):
        container.postgres_pool()


async def test_in_memory_mode_opens_no_pool() -> None:
    container = QueryApiContainer()
    container.settings.override(providers.Object(Settings()))
    read_model = use_in_memory_read_model(container)

    async with container.connections() as opened:
        assert opened is None
        assert not container.postgres_pool.overridden
        use_case = container.get_user_accounts()
        assert not inspect.isawaitable(use_case)
        assert use_case._queries is read_model
