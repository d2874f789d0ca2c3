"""create_graphql_app: the aiohttp application of one GraphQL API, every route of SPEC §5."""

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry

from infrastructure.graphql_engine import GraphQLEngine, SchemaDefinition
from infrastructure.graphql_http.app_keys import (
    CONTEXT_FACTORY,
    ENGINE,
    MAX_BODY_BYTES,
    PLAYGROUND_HTML,
    SDL_TEXT,
)
from infrastructure.graphql_http.playground import playground_html, playground_response
from infrastructure.graphql_http.playground_assets import ASSETS_PATH, asset_handler, find_assets
from infrastructure.graphql_http.service_limits import ServiceLimits
from infrastructure.graphql_http.view import handle_graphql_post
from infrastructure.http.authentication import BearerAuthentication, BearerTokens
from infrastructure.http.body import client_max_size
from infrastructure.http.health import READINESS_CHECKS, ReadinessCheck, add_health_routes
from infrastructure.http.metrics import HttpMetrics
from infrastructure.http.metrics_route import add_metrics_route
from infrastructure.http.middleware import request_middleware

GRAPHQL_PATH = "/api/graphql"

ReadinessChecksFactory = Callable[[], Mapping[str, ReadinessCheck]]
"""Called once at startup, after the caller's cleanup contexts opened what the checks need."""


def _no_context(request: web.Request) -> dict[str, Any]:
    return {}


def create_graphql_app(
    definition: SchemaDefinition,
    *,
    readiness_checks: ReadinessChecksFactory,
    readiness_timeout: float = 2.0,
    context_factory: Callable[[web.Request], Any] = _no_context,
    limits: ServiceLimits | None = None,
    bearer_tokens: BearerTokens | None = None,
    metrics: CollectorRegistry | None = None,
) -> web.Application:
    """An application serving `definition`; its engine is started in a startup hook. With
    `bearer_tokens`, POST GRAPHQL_PATH needs a verified token (the other routes need none).
    With `metrics`, every request is counted there, and GET /metrics answers it.

    Add the caller's connections to the result as a cleanup context (`app.cleanup_ctx`): aiohttp
    opens those before any startup hook runs, and closes them at cleanup.
    """
    limits = limits or ServiceLimits()
    authentication = (
        None
        if bearer_tokens is None
        else BearerAuthentication(bearer_tokens, protected=[("POST", GRAPHQL_PATH)])
    )
    app = web.Application(
        client_max_size=client_max_size(limits.http.max_body_bytes),
        middlewares=[
            request_middleware(
                limits.http, authentication, None if metrics is None else HttpMetrics(metrics)
            )
        ],
    )
    if authentication is not None:
        app.cleanup_ctx.append(authentication.opened)
    app[MAX_BODY_BYTES] = limits.http.max_body_bytes
    app[CONTEXT_FACTORY] = context_factory
    app[PLAYGROUND_HTML] = playground_html(definition.title, GRAPHQL_PATH)
    app[SDL_TEXT] = definition.sdl_path.read_text(encoding="utf-8")

    async def start_graphql(app: web.Application) -> None:
        app[ENGINE] = await GraphQLEngine.start(definition, limits.query, limits.source)
        app[READINESS_CHECKS] = readiness_checks()

    app.on_startup.append(start_graphql)
    app.router.add_post(GRAPHQL_PATH, handle_graphql_post)
    app.router.add_get(GRAPHQL_PATH, _handle_playground)
    app.router.add_get("/api/playground", _handle_playground)
    app.router.add_get(ASSETS_PATH + "/{name:.+}", asset_handler(find_assets()))
    app.router.add_get(f"{GRAPHQL_PATH}/schema", _handle_schema)
    add_health_routes(app, readiness_timeout)
    if metrics is not None:
        add_metrics_route(app, metrics)
    return app


async def _handle_playground(request: web.Request) -> web.Response:
    return playground_response(request.app[PLAYGROUND_HTML])


async def _handle_schema(request: web.Request) -> web.Response:
    return web.Response(text=request.app[SDL_TEXT], content_type="text/plain")
