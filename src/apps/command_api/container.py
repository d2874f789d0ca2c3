"""The Command API's container: settings, clock, ids, the DynamoDB client, the data keys,
adapters, use cases."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, nullcontext

from dependency_injector import containers, providers

from apps.command_api.readiness import JournalTableCheck, KeyWrapperCheck, in_memory_ready
from apps.handed_over import handed_over
from infrastructure.auth import open_token_verifier
from infrastructure.clock import SystemClock
from infrastructure.crypto import KeyWrapper, open_key_wrapper
from infrastructure.dynamodb import dynamodb_client as dynamodb_client_of
from infrastructure.dynamodb.client import DynamoDbClient
from infrastructure.settings import Settings
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from use_case.ports import NoCommandObserver
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.aggregate_turns import AggregateTurns
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccountUseCase
from use_case.user_account.erase_user_account import EraseUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccountUseCase


@asynccontextmanager
async def open_connections(
    settings: Settings,
    dynamodb_client: "providers.Provider[DynamoDbClient]",
    key_wrapper: "providers.Provider[KeyWrapper]",
) -> AsyncIterator[DynamoDbClient]:
    """Open the DynamoDB client and the key wrapper (with its KMS client when KMS_KEY_ID is
    set) and hand them to the container until exit; yields the DynamoDB client."""
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            handed_over(dynamodb_client_of(settings), dynamodb_client)
        )
        await stack.enter_async_context(handed_over(open_key_wrapper(settings), key_wrapper))
        yield client


class CommandApiContainer(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)
    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UlidGenerator)

    # Opened by the app (`connections`, in its cleanup context) and handed over as is; in
    # in-memory mode nothing opens them and nothing asks for them.
    dynamodb_client: "providers.Dependency[DynamoDbClient]" = providers.Dependency()
    key_wrapper: "providers.Dependency[KeyWrapper]" = providers.Dependency()
    connections = providers.Factory(
        open_connections,
        settings=settings,
        dynamodb_client=dynamodb_client.provider,
        key_wrapper=key_wrapper.provider,
    )

    # Each account's data key (SPEC §9.2): wrapped in the key table, unwrapped keys cached for
    # KEY_CACHE_SECONDS. One per process: `destroy` evicts from the one cache there is.
    data_keys = providers.Singleton(
        CachedDataKeys,
        inner=providers.Singleton(
            DynamoDbDataKeys,
            client=dynamodb_client,
            table_name=settings.provided.key_table_name,
            wrapper=key_wrapper,
        ),
        ttl_seconds=settings.provided.key_cache_seconds,
    )

    # Opened by the app in its cleanup context when AUTH_MODE=jwt (with the HTTP session of a
    # JWKS URL); asked for by nothing otherwise.
    token_verifier = providers.Factory(open_token_verifier, settings=settings)

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
        keys=providers.Factory(KeyWrapperCheck, wrapper=key_wrapper),
    )

    # One each per process, shared by every command: the states this process saw last, and
    # the turns its commands take on one aggregate.
    aggregate_cache = providers.Singleton(
        AggregateCache, capacity=settings.provided.aggregate_cache_size
    )
    aggregate_turns = providers.Singleton(AggregateTurns)
    # What the use cases report to: the app (create_app) puts its metrics here; by default,
    # and with METRICS_ENABLED off, nothing observes them.
    command_observer = providers.Singleton(NoCommandObserver)

    # Factories, cheap per request, so that an override of the repository applies at once.
    command_runner = providers.Factory(
        CommandRunner,
        repository=repository,
        clock=clock,
        id_generator=id_generator,
        cache=aggregate_cache,
        turns=aggregate_turns,
        observer=command_observer,
    )
    create_user_account = providers.Factory(
        CreateUserAccountUseCase, runner=command_runner, observer=command_observer
    )
    rename_user_account = providers.Factory(
        RenameUserAccountUseCase, runner=command_runner, observer=command_observer
    )
    delete_user_account = providers.Factory(
        DeleteUserAccountUseCase, runner=command_runner, observer=command_observer
    )
    erase_user_account = providers.Factory(
        EraseUserAccountUseCase, runner=command_runner, observer=command_observer
    )


def use_in_memory_adapters(container: CommandApiContainer) -> InMemoryUserAccountRepository:
    """Swap the DynamoDB event store and data keys for in-memory ones (no client is opened, no key
    file read); returns the repository (to subscribe to it)."""
    data_keys = InMemoryDataKeys()
    container.data_keys.override(providers.Object(data_keys))
    repository = InMemoryUserAccountRepository(
        data_keys, snapshot_interval=container.settings().snapshot_interval
    )
    container.connections.override(providers.Factory(nullcontext))
    container.repository.override(providers.Object(repository))
    container.readiness_checks.override(
        providers.Dict({"in-memory": providers.Object(in_memory_ready)})
    )
    return repository
