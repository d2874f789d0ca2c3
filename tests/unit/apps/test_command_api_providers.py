"""The Command API's use cases come as plain objects on the client the app hands over; overrides
still apply, and in-memory mode opens nothing."""

import inspect

import pytest
from dependency_injector import errors, providers

from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys

pytestmark = pytest.mark.unit


async def test_use_cases_need_no_awaiting_on_the_client_handed_over() -> None:
    container = CommandApiContainer()
    # Creating the client connects nowhere: nothing listens there, nothing is asked.
    unreachable = "http://127.0.0.1:9"
    container.settings.override(providers.Object(Settings(dynamodb_endpoint_url=unreachable)))

    async with container.connections() as client:
        use_case = container.create_user_account()
        assert not inspect.isawaitable(use_case)
        repository = use_case._runner._repository
        assert isinstance(repository, DynamoDbUserAccountRepository)
        assert repository._client is client
        assert not inspect.isawaitable(container.readiness_checks()["dynamodb"])
        in_memory = InMemoryUserAccountRepository(InMemoryDataKeys())
        with container.repository.override(providers.Object(in_memory)):
            assert container.rename_user_account()._runner._repository is in_memory

    # Closed: the container no longer hands the client out.
    with pytest.raises(errors.Error):
        container.dynamodb_client()


async def test_in_memory_mode_opens_no_client() -> None:
    container = CommandApiContainer()
    container.settings.override(providers.Object(Settings()))
    repository = use_in_memory_adapters(container)

    async with container.connections() as opened:
        assert opened is None
        assert not container.dynamodb_client.overridden
        use_case = container.delete_user_account()
        assert not inspect.isawaitable(use_case)
        assert use_case._runner._repository is repository
