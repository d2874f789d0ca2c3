"""The Query API's aiohttp application: the shared GraphQL layer with the query schema."""

from aiohttp import web

from apps.graphql_service import create_container_app
from apps.query_api.container import QueryApiContainer, settle_async_providers
from interface_adapter.graphql.query import QUERY_SCHEMA


def create_app(container: QueryApiContainer) -> web.Application:
    """The application; its engine is cooked, its pool created and its checks resolved when it
    starts."""

    async def settle() -> None:
        await settle_async_providers(container)

    return create_container_app(container, QUERY_SCHEMA, after_startup=settle)
