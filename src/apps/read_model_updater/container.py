"""The updater's container: settings, the data keys, the projection, the stream consumer around
it. The AWS clients, the key wrapper and the pool are opened by `open_connections` and handed to
it as plain objects."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import asyncpg
from dependency_injector import containers, providers

from apps.handed_over import handed_over
from apps.read_model_updater.updater_settings import poller_options_from_env
from infrastructure.crypto import KeyWrapper, open_key_wrapper
from infrastructure.dynamodb import dynamodb_client, dynamodbstreams_client
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from infrastructure.stream_consumer import (
    ConsumerMetrics,
    DynamoDbLeaseTable,
    PostgresCheckpointStore,
    ProgressLog,
    ShardBatchRunner,
    ShardLeases,
    ShardReader,
    StreamPoller,
)
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from interface_adapter.personal_data.erased_keys import DestroyErasedKeys
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

APPLICATION_NAME = "read-model-updater"


class ReadModelUpdaterContainer(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)
    poller_options = providers.Singleton(poller_options_from_env)

    # Opened by open_connections; the Lambda handler never asks for the streams client.
    dynamodb_client: "providers.Dependency[Any]" = providers.Dependency()
    streams_client: "providers.Dependency[Any]" = providers.Dependency()
    pool: "providers.Dependency[asyncpg.Pool[asyncpg.Record]]" = providers.Dependency(
        instance_of=asyncpg.Pool
    )
    key_wrapper: "providers.Dependency[KeyWrapper]" = providers.Dependency()

    # Each account's data key (SPEC §9.2), to decrypt what the stream carries and destroy the
    # key of an erased account; unwrapped keys cached for KEY_CACHE_SECONDS, one cache per
    # process (the Lambda runtime's or the poller's).
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
    # The journal, to fill gaps (read_events); it never writes here.
    journal = providers.Singleton(
        DynamoDbUserAccountRepository,
        client=dynamodb_client,
        journal_table_name=settings.provided.journal_table_name,
        snapshot_table_name=settings.provided.snapshot_table_name,
        snapshot_interval=settings.provided.snapshot_interval,
        data_keys=data_keys,
    )
    read_model = providers.Singleton(PostgresUserAccountReadModel, pool=pool)
    # Applying an erasure destroys the account's data key once its row is committed (SPEC §9.4);
    # the row's commit deletes its dead letters.
    projection = providers.Singleton(
        ProjectUserAccountEvents,
        rows=read_model,
        journal=journal,
        after_erasure=providers.Singleton(DestroyErasedKeys, data_keys=data_keys),
    )
    record_handler = providers.Singleton(
        UserAccountStreamHandler, project=projection, data_keys=data_keys
    )

    checkpoint_store = providers.Singleton(PostgresCheckpointStore, pool=pool)
    progress = providers.Singleton(ProgressLog)
    # Shown nowhere unless the process overrides it with metrics in its registry (__main__).
    consumer_metrics = providers.Singleton(ConsumerMetrics)
    batch_runner = providers.Singleton(
        ShardBatchRunner,
        handler=record_handler,
        checkpoints=checkpoint_store,
        options=poller_options,
        progress=progress,
        metrics=consumer_metrics,
    )
    shard_reader = providers.Singleton(
        ShardReader,
        streams=streams_client,
        run_batch=batch_runner,
        checkpoints=checkpoint_store,
        options=poller_options,
        metrics=consumer_metrics,
    )
    # One reader per shard across updater processes: each shard is read by its lease's holder.
    lease_table = providers.Singleton(
        DynamoDbLeaseTable,
        client=dynamodb_client,
        table_name=settings.provided.lease_table_name,
    )
    shard_leases = providers.Singleton(
        ShardLeases, table=lease_table, duration_seconds=poller_options.provided.lease_seconds
    )
    poller = providers.Singleton(
        StreamPoller,
        dynamodb=dynamodb_client,
        streams=streams_client,
        checkpoints=checkpoint_store,
        reader=shard_reader,
        progress=progress,
        table_name=settings.provided.journal_table_name,
        options=poller_options,
        leases=shard_leases,
    )


@asynccontextmanager
async def postgres_pool(database_url: str) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    """A small pool that connects on first use: the updater starts (and waits, retrying)
    while PostgreSQL is still down."""
    pool = await create_pool(
        database_url, application_name=APPLICATION_NAME, min_size=0, max_size=4
    )
    try:
        yield pool
    finally:
        await pool.close()


async def open_connections(
    container: ReadModelUpdaterContainer, stack: AsyncExitStack, *, streams: bool = True
) -> None:
    """Open the DynamoDB client, the streams client (unless `streams` is False), the key
    wrapper (with its KMS client when KMS_KEY_ID is set) and the pool, closed when `stack` is,
    and hand them to `container` (apps.handed_over) until then."""
    settings = container.settings()
    await stack.enter_async_context(
        handed_over(dynamodb_client(settings), container.dynamodb_client)
    )
    await stack.enter_async_context(handed_over(open_key_wrapper(settings), container.key_wrapper))
    if streams:
        await stack.enter_async_context(
            handed_over(dynamodbstreams_client(settings), container.streams_client)
        )
    await stack.enter_async_context(
        handed_over(postgres_pool(settings.database_url), container.pool)
    )
