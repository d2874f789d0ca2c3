"""The Command API's aiohttp application: the shared GraphQL layer with the command schema."""

import inspect
from collections.abc import Mapping

from aiohttp import web

from apps.command_api.container import CommandApiContainer
from interface_adapter.graphql.command import COMMAND_SCHEMA
from interface_adapter.graphql.health import ReadinessCheck
from interface_adapter.graphql.http_app import create_graphql_app
from interface_adapter.graphql.service_limits import service_limits


def create_app(container: CommandApiContainer) -> web.Application:
    """The application; its engine is cooked and its checks resolved when it starts."""
    # Wiring rebinds the resolvers' Provide["..."] markers to this container; they are not
    # unwired at cleanup, because an unwired resolver would receive the raw marker.
    container.wire(modules=list(COMMAND_SCHEMA.resolver_modules))

    async def readiness_checks() -> Mapping[str, ReadinessCheck]:
        # Resolving the checks creates the clients they need (none in in-memory mode).
        checks = container.readiness_checks()
        if inspect.isawaitable(checks):
            checks = await checks
        return dict(checks)

    async def shutdown_resources(app: web.Application) -> None:
        pending = container.shutdown_resources()
        if inspect.isawaitable(pending):
            await pending

    app = create_graphql_app(
        COMMAND_SCHEMA,
        readiness_checks=readiness_checks,
        limits=service_limits(container.settings()),
    )
    app.on_cleanup.append(shutdown_resources)
    return app
