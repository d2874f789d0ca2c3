"""What every GraphQL API process shares: its app from a container, its listener, running it."""

import inspect
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiohttp import web

from infrastructure.event_loop import run
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from interface_adapter.graphql.health import ReadinessCheck
from interface_adapter.graphql.http_app import create_graphql_app
from interface_adapter.graphql.schema_definition import GraphQLSchemaDefinition
from interface_adapter.graphql.server import Listener, ServerStartError, serve
from interface_adapter.graphql.service_limits import service_limits


def create_container_app(
    container: Any,
    schema: GraphQLSchemaDefinition,
    *,
    after_startup: Callable[[], Awaitable[None]] | None = None,
) -> web.Application:
    """The app of `schema`, its resolvers wired to `container` (a dependency-injector container
    with `settings`, `readiness_checks` and resources); resources are shut down at cleanup.
    `after_startup` runs once the readiness checks are resolved (their resources exist)."""
    # Wiring rebinds the resolvers' Provide["..."] markers to this container; they are not
    # unwired at cleanup, because an unwired resolver would receive the raw marker.
    container.wire(modules=list(schema.resolver_modules))

    async def readiness_checks() -> Mapping[str, ReadinessCheck]:
        # Resolving the checks creates the clients or pools they need (none in in-memory mode).
        checks = container.readiness_checks()
        if inspect.isawaitable(checks):
            checks = await checks
        if after_startup is not None:
            await after_startup()
        return dict(checks)

    async def shutdown_resources(app: web.Application) -> None:
        pending = container.shutdown_resources()
        if inspect.isawaitable(pending):
            await pending

    app = create_graphql_app(
        schema, readiness_checks=readiness_checks, limits=service_limits(container.settings())
    )
    app.on_cleanup.append(shutdown_resources)
    return app


def settings_or_exit(service_name: str) -> Settings:
    """Settings from the environment, logging configured; an invalid value exits with code 2."""
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format, batch_in_event_loop=True)
    except (SettingsError, ValueError) as error:
        print(f"{service_name}: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def command_api_listener(settings: Settings, app: web.Application) -> Listener:
    return Listener(
        name="command-api",
        app=app,
        host=settings.command_api_host,
        port=settings.command_api_port,
        port_variable="COMMAND_API_PORT",
        keepalive_timeout=settings.keepalive_timeout_seconds,
        reuse_port=settings.reuse_port,
    )


def query_api_listener(settings: Settings, app: web.Application) -> Listener:
    return Listener(
        name="query-api",
        app=app,
        host=settings.query_api_host,
        port=settings.query_api_port,
        port_variable="QUERY_API_PORT",
        keepalive_timeout=settings.keepalive_timeout_seconds,
        reuse_port=settings.reuse_port,
    )


def serve_until_stopped(service_name: str, listeners: Sequence[Listener]) -> int:
    """Serve until SIGTERM or SIGINT: 0, or 1 when a port cannot be bound (said on stderr).

    The loop is uvloop where installed (infrastructure.event_loop): about 10 % more requests.
    """
    try:
        run(serve(list(listeners)))
    except ServerStartError as error:
        print(f"{service_name}: {error}", file=sys.stderr)
        return 1
    return 0
