"""The Command API's aiohttp application: the shared GraphQL layer with the command schema."""

from aiohttp import web

from apps.command_api.container import CommandApiContainer
from apps.graphql_service import create_container_app
from interface_adapter.graphql.command import COMMAND_SCHEMA


def create_app(container: CommandApiContainer) -> web.Application:
    """The application. When it starts, its DynamoDB client is opened (none in in-memory mode),
    its engine cooked and its readiness checks resolved; the client is closed at cleanup."""
    return create_container_app(container, COMMAND_SCHEMA)
