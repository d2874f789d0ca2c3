"""create_graphql_app: the aiohttp application of one GraphQL API, every route of SPEC §5."""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from interface_adapter.graphql.app_keys import (
    CONTEXT_FACTORY,
    EXECUTOR,
    MAX_BODY_BYTES,
    PLAYGROUND_HTML,
    SDL_TEXT,
)
from interface_adapter.graphql.engine import cook_schema
from interface_adapter.graphql.executor import GraphQLExecutor
from interface_adapter.graphql.graphql_view import handle_graphql_post
from interface_adapter.graphql.health import (
    READINESS_CHECKS,
    READINESS_TIMEOUT,
    ReadinessCheck,
    handle_health,
    handle_ready,
)
from interface_adapter.graphql.middleware import request_middleware
from interface_adapter.graphql.playground import playground_html, playground_response
from interface_adapter.graphql.playground_assets import ASSETS_PATH, asset_handler, find_assets
from interface_adapter.graphql.schema_definition import GraphQLSchemaDefinition
from interface_adapter.graphql.service_limits import ServiceLimits

GRAPHQL_PATH = "/api/graphql"

ReadinessChecksFactory = Callable[[], Awaitable[Mapping[str, ReadinessCheck]]]
"""Called once at startup (after the caller's own startup hooks added before it)."""


def _no_context(request: web.Request) -> dict[str, Any]:
    return {}


def create_graphql_app(
    definition: GraphQLSchemaDefinition,
    *,
    readiness_checks: ReadinessChecksFactory,
    readiness_timeout: float = 2.0,
    context_factory: Callable[[web.Request], Any] = _no_context,
    limits: ServiceLimits | None = None,
) -> web.Application:
    """An application serving `definition`; its engine is cooked in a startup hook.

    Add the caller's own startup/cleanup hooks (its container's resources) to the result.
    """
    limits = limits or ServiceLimits()
    # aiohttp refuses a body only once it holds more than client_max_size (">=" in older
    # versions): one byte of slack either way, and the view enforces the exact limit.
    app = web.Application(
        client_max_size=limits.http.max_body_bytes + 1,
        middlewares=[request_middleware(limits.http)],
    )
    app[MAX_BODY_BYTES] = limits.http.max_body_bytes
    app[CONTEXT_FACTORY] = context_factory
    app[READINESS_TIMEOUT] = readiness_timeout
    app[PLAYGROUND_HTML] = playground_html(definition.title, GRAPHQL_PATH)
    app[SDL_TEXT] = definition.sdl_path.read_text(encoding="utf-8")

    async def start_graphql(app: web.Application) -> None:
        schema = await cook_schema(definition)
        app[EXECUTOR] = GraphQLExecutor(schema, limits.query, limits.source)
        app[READINESS_CHECKS] = await readiness_checks()

    app.on_startup.append(start_graphql)
    app.router.add_post(GRAPHQL_PATH, handle_graphql_post)
    app.router.add_get(GRAPHQL_PATH, _handle_playground)
    app.router.add_get("/api/playground", _handle_playground)
    app.router.add_get(ASSETS_PATH + "/{name:.+}", asset_handler(find_assets()))
    app.router.add_get(f"{GRAPHQL_PATH}/schema", _handle_schema)
    app.router.add_get("/api/health", handle_health)
    app.router.add_get("/api/health/ready", handle_ready)
    return app


async def _handle_playground(request: web.Request) -> web.Response:
    return playground_response(request.app[PLAYGROUND_HTML])


async def _handle_schema(request: web.Request) -> web.Response:
    return web.Response(text=request.app[SDL_TEXT], content_type="text/plain")
