"""The Command API's container: settings, clock, ids, the DynamoDB client, adapters, use cases."""

from contextlib import nullcontext

from dependency_injector import containers, providers

from apps.command_api.readiness import JournalTableCheck, in_memory_ready
from apps.handed_over import handed_over
from infrastructure.auth import open_token_verifier
from infrastructure.clock import SystemClock
from infrastructure.dynamodb import dynamodb_client as dynamodb_client_of
from infrastructure.dynamodb.client import DynamoDbClient
from infrastructure.settings import Settings
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.aggregate_turns import AggregateTurns
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccountUseCase


class CommandApiContainer(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)
    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UlidGenerator)

    # Opened by the app (`connections`, in its cleanup context) and handed over as is; in
    # in-memory mode nothing opens it and nothing asks for it.
    dynamodb_client: "providers.Dependency[DynamoDbClient]" = providers.Dependency()
    connections = providers.Factory(
        handed_over,
        opened=providers.Factory(dynamodb_client_of, settings=settings),
        to=dynamodb_client.provider,
    )

    # Opened by the app in its cleanup context when AUTH_MODE=jwt (with the HTTP session of a
    # JWKS URL); asked for by nothing otherwise.
    token_verifier = providers.Factory(open_token_verifier, settings=settings)

    # The accounts' data keys (interface_adapter.personal_data.DataKeys), one per process.
    data_keys = providers.Singleton(InMemoryDataKeys)
    repository = providers.Singleton(
        DynamoDbUserAccountRepository,
        client=dynamodb_client,
        journal_table_name=settings.provided.journal_table_name,
        snapshot_table_name=settings.provided.snapshot_table_name,
        snapshot_interval=settings.provided.snapshot_interval,
        data_keys=data_keys,
    )
    readiness_checks = providers.Dict(
        dynamodb=providers.Factory(
            JournalTableCheck,
            client=dynamodb_client,
            table_name=settings.provided.journal_table_name,
        ),
    )

    # One each per process, shared by every command: the states this process saw last, and
    # the turns its commands take on one aggregate.
    aggregate_cache = providers.Singleton(
        AggregateCache, capacity=settings.provided.aggregate_cache_size
    )
    aggregate_turns = providers.Singleton(AggregateTurns)

    # Factories, cheap per request, so that an override of the repository applies at once.
    command_runner = providers.Factory(
        CommandRunner,
        repository=repository,
        clock=clock,
        id_generator=id_generator,
        cache=aggregate_cache,
        turns=aggregate_turns,
    )
    create_user_account = providers.Factory(CreateUserAccountUseCase, runner=command_runner)
    rename_user_account = providers.Factory(RenameUserAccountUseCase, runner=command_runner)
    delete_user_account = providers.Factory(DeleteUserAccountUseCase, runner=command_runner)


def use_in_memory_adapters(container: CommandApiContainer) -> InMemoryUserAccountRepository:
    """Swap the DynamoDB event store for an in-memory one (no client is opened); returns it (to
    subscribe to it)."""
    repository = InMemoryUserAccountRepository(
        container.data_keys(), snapshot_interval=container.settings().snapshot_interval
    )
    container.connections.override(providers.Factory(nullcontext))
    container.repository.override(providers.Object(repository))
    container.readiness_checks.override(
        providers.Dict({"in-memory": providers.Object(in_memory_ready)})
    )
    return repository
