"""The Query API's aiohttp application: the shared GraphQL layer with the query schema."""

from aiohttp import web

from apps.graphql_service import create_container_app
from apps.query_api.container import QueryApiContainer
from infrastructure.http.metrics_route import new_registry
from interface_adapter.graphql.query import QUERY_SCHEMA


def create_app(container: QueryApiContainer) -> web.Application:
    """The application. When it starts, its PostgreSQL pool is opened (none in in-memory mode),
    its engine cooked and its readiness checks resolved; the pool is closed at cleanup.

    With METRICS_ENABLED (the default) it counts its requests in a registry of its own, which
    GET /metrics answers."""
    metrics = new_registry() if container.settings().metrics_enabled else None
    return create_container_app(container, QUERY_SCHEMA, metrics=metrics)
