"""Once the Query API has started, its use cases come as plain objects, overrides still apply."""

import inspect

import pytest
from dependency_injector import providers

from apps.query_api.container import QueryApiContainer, settle_async_providers
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel

pytestmark = pytest.mark.unit


async def test_settled_providers_answer_use_cases_that_need_no_awaiting() -> None:
    container = QueryApiContainer()
    # The pool opens connections on demand: nothing listens there, nothing connects.
    unreachable = "postgresql://nobody@127.0.0.1:9/none"
    container.settings.override(providers.Object(Settings(database_url=unreachable)))
    assert inspect.isawaitable(container.get_user_account())  # the pool is an async resource
    try:
        await settle_async_providers(container)

        use_case = container.get_user_account()
        assert not inspect.isawaitable(use_case)
        assert isinstance(use_case._queries, PostgresUserAccountReadModel)
        in_memory = InMemoryUserAccountReadModel()
        with container.read_model.override(providers.Object(in_memory)):
            assert container.search_user_accounts()._queries is in_memory
    finally:
        await container.shutdown_resources()
