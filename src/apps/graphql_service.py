"""What every GraphQL API process shares: its app from a container, its listener, running it."""

import os
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from aiohttp import web
from prometheus_client import CollectorRegistry

from apps.caller_context import caller_context_factory
from infrastructure.auth import TokenVerifier
from infrastructure.auth.protected_mode import anonymous_refusal
from infrastructure.crypto import local_kek_refusal
from infrastructure.event_loop import run
from infrastructure.graphql_engine import SchemaDefinition
from infrastructure.graphql_http.app import create_graphql_app
from infrastructure.graphql_http.service_limits import service_limits
from infrastructure.http.authentication import BearerTokens
from infrastructure.http.health import ReadinessCheck
from infrastructure.http.metrics_route import METRICS_REGISTRY, metrics_app
from infrastructure.http.server import Listener, ServerStartError, serve
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, SettingsError
from infrastructure.tracing.export import start_tracing

# The realm of the services' WWW-Authenticate challenges (SPEC §8.1).
AUTH_REALM = "pcqrses"


class ApiContainer(Protocol):
    """What create_container_app needs of an API's dependency-injector container."""

    @property
    def settings(self) -> Callable[[], Settings]: ...

    @property
    def readiness_checks(self) -> Callable[[], Mapping[str, ReadinessCheck]]: ...

    @property
    def connections(self) -> Callable[[], AbstractAsyncContextManager[object]]:
        """Opens the clients and pools the container's providers need and hands them over to
        it (apps.handed_over) until it exits; in in-memory mode, opens nothing."""
        ...

    @property
    def token_verifier(self) -> Callable[[], AbstractAsyncContextManager[TokenVerifier]]:
        """Opens the verifier of bearer tokens (AUTH_MODE=jwt only)."""
        ...

    def wire(self, modules: Iterable[str]) -> None: ...

    def reset_singletons(self) -> object: ...


def create_container_app(
    container: ApiContainer, schema: SchemaDefinition, metrics: CollectorRegistry | None = None
) -> web.Application:
    """The app of `schema`, its resolvers wired to `container`, whose connections are open
    while the app runs; each operation's context holds its Caller (apps.caller_context). Its
    requests are counted in `metrics`, which its GET /metrics answers (none: no metrics)."""
    # Wiring rebinds the resolvers' Provide["..."] markers to this container; they are not
    # unwired at cleanup, because an unwired resolver would receive the raw marker.
    container.wire(modules=list(schema.resolver_modules))

    async def connections(app: web.Application) -> AsyncIterator[None]:
        # A cleanup context opens before any startup hook (the readiness checks need it).
        async with container.connections():
            yield
        # Nothing keeps what was built on the closed connections.
        container.reset_singletons()

    def readiness_checks() -> Mapping[str, ReadinessCheck]:
        return dict(container.readiness_checks())

    settings = container.settings()
    app = create_graphql_app(
        schema,
        readiness_checks=readiness_checks,
        context_factory=caller_context_factory(settings.auth_mode),
        limits=service_limits(settings),
        bearer_tokens=bearer_tokens(settings, container),
        metrics=metrics,
    )
    app.cleanup_ctx.append(connections)
    return app


def bearer_tokens(settings: Settings, container: ApiContainer) -> BearerTokens | None:
    """With AUTH_MODE=jwt, how the app verifies tokens; with AUTH_MODE=off, None (no guard)."""
    if settings.auth_mode != "jwt":
        return None
    return BearerTokens(AUTH_REALM, container.token_verifier)


def settings_or_exit(service_name: str) -> Settings:
    """Settings from the environment, logging and OpenTelemetry export (when asked for)
    configured; an invalid value, or a package export needs missing, exits with code 2."""
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format, batch_in_event_loop=True)
        start_tracing(service_name, os.environ)
    except (SettingsError, ValueError) as error:
        print(f"{service_name}: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def refuse_anonymous_beyond_loopback(
    service_name: str, settings: Settings, hosts: Mapping[str, str]
) -> None:
    """Protected mode (SPEC §8.1): exit with code 2, saying why and what to set, when the
    service would serve `hosts` (variable -> host) beyond loopback without authentication."""
    refusal = anonymous_refusal(settings, hosts)
    if refusal is not None:
        print(f"{service_name}: {refusal}", file=sys.stderr)
        raise SystemExit(2)


def refuse_local_kek_beyond_loopback(
    service_name: str, settings: Settings, hosts: Mapping[str, str]
) -> None:
    """Exit with code 2, saying why and what to set, when the service would wrap data keys with
    the default local key file beyond the local stack (infrastructure.crypto.local_kek_refusal)."""
    refusal = local_kek_refusal(settings, hosts)
    if refusal is not None:
        print(f"{service_name}: {refusal}", file=sys.stderr)
        raise SystemExit(2)


def command_api_listener(settings: Settings, app: web.Application) -> Listener:
    return Listener(
        name="command-api",
        app=app,
        host=settings.command_api_host,
        port=settings.command_api_port,
        port_variable="COMMAND_API_PORT",
        keepalive_timeout=settings.keepalive_timeout_seconds,
        reuse_port=settings.reuse_port,
        max_connections_per_client=settings.max_connections_per_client,
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
        max_connections_per_client=settings.max_connections_per_client,
    )


def metrics_listener(
    service_name: str, host: str, settings: Settings, app: web.Application
) -> list[Listener]:
    """A listener of the process's own for the metrics of `app` when METRICS_PORT is set (none
    otherwise, or with the metrics off): processes sharing the API's port (REUSE_PORT) are
    scraped each on its own port."""
    registry = app.get(METRICS_REGISTRY)
    if settings.metrics_port is None or registry is None:
        return []
    return [
        Listener(
            name=f"{service_name}-metrics",
            app=metrics_app(registry),
            host=host,
            port=settings.metrics_port,
            port_variable="METRICS_PORT",
            keepalive_timeout=settings.keepalive_timeout_seconds,
        )
    ]


def serve_until_stopped(service_name: str, listeners: Sequence[Listener]) -> int:
    """Serve until SIGTERM or SIGINT: 0, or 1 when a port cannot be bound (said on stderr).

    The loop is uvloop where installed (infrastructure.event_loop): more requests per CPU second
    (docs/performance.md).
    """
    try:
        run(serve(list(listeners)))
    except ServerStartError as error:
        print(f"{service_name}: {error}", file=sys.stderr)
        return 1
    return 0
