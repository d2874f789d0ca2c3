"""aiobotocore clients for DynamoDB and DynamoDB Streams, configured from Settings."""

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from infrastructure.settings import Settings

# Emulators accept any key; boto refuses to sign without one.
_EMULATOR_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_PROFILE")


def client_config(max_pool_connections: int = 50) -> AioConfig:
    """Retries with backoff on throttling and transient errors; bounded waits; a shared pool.

    The bounds keep a request of the API from hanging on an unreachable endpoint: at worst
    three attempts of the connect timeout before the caller gets a clean error.
    No client-side parameter validation: our requests are built by code and tested, DynamoDB
    validates them again anyway, and the check was a visible share of a Command API's CPU per
    request (docs/performance.md).
    """
    return AioConfig(
        parameter_validation=False,
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=2,
        read_timeout=10,
        max_pool_connections=max_pool_connections,
    )


def client_arguments(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Keyword arguments of `create_client` for `settings`.

    `dynamodb_endpoint_url` None means real AWS, with the SDK's own credential chain. With an
    endpoint (the local emulator) and no credentials in the environment, dummy ones are used.
    """
    env = os.environ if environ is None else environ
    arguments: dict[str, Any] = {"region_name": settings.aws_region, "config": client_config()}
    if settings.dynamodb_endpoint_url is not None:
        arguments["endpoint_url"] = settings.dynamodb_endpoint_url
        if not any(env.get(name) for name in _CREDENTIAL_VARIABLES):
            arguments.update(_EMULATOR_CREDENTIALS)
    return arguments


@asynccontextmanager
async def dynamodb_client(settings: Settings) -> AsyncIterator[Any]:
    """A DynamoDB client, closed (with its connection pool) on exit."""
    async with get_session().create_client("dynamodb", **client_arguments(settings)) as client:
        yield client


@asynccontextmanager
async def dynamodbstreams_client(settings: Settings) -> AsyncIterator[Any]:
    """A DynamoDB Streams client, closed on exit."""
    async with get_session().create_client(
        "dynamodbstreams", **client_arguments(settings)
    ) as client:
        yield client
