"""The Query API's container: settings, the PostgreSQL pool, the read model, the query use cases."""

from collections.abc import AsyncIterator

import asyncpg
from dependency_injector import containers, providers

from apps.query_api.readiness import PostgresCheck, in_memory_ready
from apps.settled_providers import settle
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from use_case.user_account_query.get_user_account import GetUserAccountUseCase
from use_case.user_account_query.get_user_accounts import GetUserAccountsUseCase
from use_case.user_account_query.get_user_accounts_by_ids import GetUserAccountsByIdsUseCase
from use_case.user_account_query.search_user_accounts import SearchUserAccountsUseCase

APPLICATION_NAME = "query-api"


async def open_postgres_pool(database_url: str) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    """The pool, closed at shutdown. It opens connections on demand (min_size 0): the API starts
    while PostgreSQL is down and tells so through its readiness check instead of exiting."""
    pool = await create_pool(database_url, application_name=APPLICATION_NAME, min_size=0)
    try:
        yield pool
    finally:
        await pool.close()


class QueryApiContainer(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)

    # Created when first resolved, which the app's startup does through the readiness checks;
    # in in-memory mode nothing asks for it and no pool exists. shutdown_resources() closes it.
    postgres_pool = providers.Resource(
        open_postgres_pool, database_url=settings.provided.database_url
    )

    read_model = providers.Singleton(PostgresUserAccountReadModel, pool=postgres_pool)
    readiness_checks = providers.Dict(
        postgres=providers.Factory(PostgresCheck, pool=postgres_pool),
    )

    # Factories, cheap per request, so that an override of the read model applies at once.
    get_user_account = providers.Factory(GetUserAccountUseCase, queries=read_model)
    get_user_accounts = providers.Factory(GetUserAccountsUseCase, queries=read_model)
    get_user_accounts_by_ids = providers.Factory(GetUserAccountsByIdsUseCase, queries=read_model)
    search_user_accounts = providers.Factory(SearchUserAccountsUseCase, queries=read_model)


async def settle_async_providers(container: QueryApiContainer) -> None:
    """Create the read model (and its pool) now, and let the providers of the use cases answer
    plain objects (apps.settled_providers)."""
    await settle(
        container.read_model,
        [
            container.read_model,
            container.get_user_account,
            container.get_user_accounts,
            container.get_user_accounts_by_ids,
            container.search_user_accounts,
        ],
    )


def use_in_memory_read_model(
    container: QueryApiContainer, read_model: InMemoryUserAccountReadModel | None = None
) -> InMemoryUserAccountReadModel:
    """Swap PostgreSQL for an in-memory read model (a new one unless given); returns it."""
    chosen = read_model if read_model is not None else InMemoryUserAccountReadModel()
    container.read_model.override(providers.Object(chosen))
    container.readiness_checks.override(
        providers.Dict({"in-memory": providers.Object(in_memory_ready)})
    )
    return chosen
