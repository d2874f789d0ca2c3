"""The Query API's container: settings, the PostgreSQL pool, the read model, the query use cases."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

import asyncpg
from dependency_injector import containers, providers

from apps.handed_over import handed_over
from apps.query_api.readiness import PostgresCheck, in_memory_ready
from infrastructure.auth import open_token_verifier
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from use_case.user_account_query.get_user_account import GetUserAccountUseCase
from use_case.user_account_query.get_user_accounts import GetUserAccountsUseCase
from use_case.user_account_query.get_user_accounts_by_ids import GetUserAccountsByIdsUseCase
from use_case.user_account_query.search_user_accounts import SearchUserAccountsUseCase

APPLICATION_NAME = "query-api"


@asynccontextmanager
async def open_postgres_pool(database_url: str) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    """The pool, closed on exit. It opens connections on demand (min_size 0): the API starts
    while PostgreSQL is down and tells so through its readiness check instead of exiting."""
    pool = await create_pool(database_url, application_name=APPLICATION_NAME, min_size=0)
    try:
        yield pool
    finally:
        await pool.close()


class QueryApiContainer(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings.from_env)

    # Opened by the app (`connections`, in its cleanup context) and handed over as is; in
    # in-memory mode nothing opens it and nothing asks for it.
    postgres_pool: "providers.Dependency[asyncpg.Pool[asyncpg.Record]]" = providers.Dependency()
    connections = providers.Factory(
        handed_over,
        opened=providers.Factory(open_postgres_pool, database_url=settings.provided.database_url),
        to=postgres_pool.provider,
    )

    # Opened by the app in its cleanup context when AUTH_MODE=jwt (with the HTTP session of a
    # JWKS URL); asked for by nothing otherwise.
    token_verifier = providers.Factory(open_token_verifier, settings=settings)

    read_model = providers.Singleton(PostgresUserAccountReadModel, pool=postgres_pool)
    readiness_checks = providers.Dict(
        postgres=providers.Factory(PostgresCheck, pool=postgres_pool),
    )

    # Factories, cheap per request, so that an override of the read model applies at once.
    get_user_account = providers.Factory(GetUserAccountUseCase, queries=read_model)
    get_user_accounts = providers.Factory(GetUserAccountsUseCase, queries=read_model)
    get_user_accounts_by_ids = providers.Factory(GetUserAccountsByIdsUseCase, queries=read_model)
    search_user_accounts = providers.Factory(SearchUserAccountsUseCase, queries=read_model)


def use_in_memory_read_model(
    container: QueryApiContainer, read_model: InMemoryUserAccountReadModel | None = None
) -> InMemoryUserAccountReadModel:
    """Swap PostgreSQL for an in-memory read model (a new one unless given; no pool is opened);
    returns it."""
    chosen = read_model if read_model is not None else InMemoryUserAccountReadModel()
    container.connections.override(providers.Factory(nullcontext))
    container.read_model.override(providers.Object(chosen))
    container.readiness_checks.override(
        providers.Dict({"in-memory": providers.Object(in_memory_ready)})
    )
    return chosen
