"""Once the Command API has started, its use cases come as plain objects, overrides still apply."""

import inspect

import pytest
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer, settle_async_providers
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository

pytestmark = pytest.mark.unit


async def test_settled_providers_answer_use_cases_that_need_no_awaiting() -> None:
    container = CommandApiContainer()
    # Creating the client connects nowhere: nothing listens there, nothing is asked.
    unreachable = "http://127.0.0.1:9"
    container.settings.override(providers.Object(Settings(dynamodb_endpoint_url=unreachable)))
    pending = container.create_user_account()
    assert inspect.isawaitable(pending)  # the DynamoDB client is an async resource
    await pending
    try:
        await settle_async_providers(container)

        use_case = container.create_user_account()
        assert not inspect.isawaitable(use_case)
        assert isinstance(use_case._runner._repository, DynamoDbUserAccountRepository)
        in_memory = InMemoryUserAccountRepository()
        with container.repository.override(providers.Object(in_memory)):
            assert container.rename_user_account()._runner._repository is in_memory
    finally:
        await container.shutdown_resources()
