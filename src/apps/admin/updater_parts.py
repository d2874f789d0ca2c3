"""The updater's parts for an operator command: its container (the same journal, stream handler
and checkpoint store the updater uses) on connections the command opens and closes."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import asyncpg
from dependency_injector import providers

from apps.handed_over import handed_over
from apps.read_model_updater.container import ReadModelUpdaterContainer
from apps.read_model_updater.updater_settings import poller_options_from_env
from infrastructure.crypto import open_key_wrapper
from infrastructure.dynamodb import dynamodb_client, dynamodbstreams_client
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings

APPLICATION_NAME = "admin"


@asynccontextmanager
async def updater_container(
    settings: Settings, *, streams: bool = False
) -> AsyncIterator[ReadModelUpdaterContainer]:
    """The container with its DynamoDB client, its pool, its key wrapper, and (with `streams`)
    its DynamoDB Streams client open. The pool connects at once: an unreachable database
    fails here."""
    container = ReadModelUpdaterContainer()
    container.settings.override(providers.Object(settings))
    container.poller_options.override(providers.Object(poller_options_from_env()))
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(
            handed_over(dynamodb_client(settings), container.dynamodb_client)
        )
        if streams:
            await stack.enter_async_context(
                handed_over(dynamodbstreams_client(settings), container.streams_client)
            )
        await stack.enter_async_context(handed_over(_pool(settings), container.pool))
        # A retried letter is decrypted (and an erasure's key destroyed) as the updater does.
        await stack.enter_async_context(
            handed_over(open_key_wrapper(settings), container.key_wrapper)
        )
        yield container


@asynccontextmanager
async def _pool(settings: Settings) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    pool = await create_pool(
        settings.database_url, application_name=APPLICATION_NAME, min_size=1, max_size=2
    )
    try:
        yield pool
    finally:
        await pool.close()
