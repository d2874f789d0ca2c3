"""The Command API's aiohttp application: the shared GraphQL layer with the command schema."""

from aiohttp import web
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from apps.graphql_service import create_container_app
from infrastructure.http.metrics_route import new_registry
from interface_adapter.graphql.command import COMMAND_SCHEMA
from interface_adapter.metrics.command_metrics import PrometheusCommandObserver


def create_app(container: CommandApiContainer) -> web.Application:
    """The application. When it starts, its DynamoDB client is opened (none in in-memory mode),
    its engine cooked and its readiness checks resolved; the client is closed at cleanup.

    With METRICS_ENABLED (the default) it counts its requests and its commands in a registry of
    its own, which GET /metrics answers.
    """
    if not container.settings().metrics_enabled:
        return create_container_app(container, COMMAND_SCHEMA)
    registry = new_registry()
    # An override, not a singleton: it outlives the container's reset at the app's cleanup.
    container.command_observer.override(providers.Object(PrometheusCommandObserver(registry)))
    return create_container_app(container, COMMAND_SCHEMA, metrics=registry)
