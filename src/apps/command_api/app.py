"""The Command API's aiohttp application: the shared GraphQL layer with the command schema."""

from aiohttp import web

from apps.command_api.container import CommandApiContainer, settle_async_providers
from apps.graphql_service import create_container_app
from interface_adapter.graphql.command import COMMAND_SCHEMA


def create_app(container: CommandApiContainer) -> web.Application:
    """The application; its engine is cooked, its DynamoDB client created and its checks
    resolved when it starts."""

    async def settle() -> None:
        await settle_async_providers(container)

    return create_container_app(container, COMMAND_SCHEMA, after_startup=settle)
