"""asyncpg connection pools built from a DATABASE_URL, with the settings every service wants."""

import asyncpg

DEFAULT_MIN_SIZE = 1
DEFAULT_MAX_SIZE = 10


async def create_pool(
    database_url: str,
    *,
    application_name: str = "pcqrses",
    min_size: int = DEFAULT_MIN_SIZE,
    max_size: int = DEFAULT_MAX_SIZE,
    connect_timeout: float = 10.0,
    command_timeout: float = 10.0,
) -> "asyncpg.Pool[asyncpg.Record]":
    """A started pool; close it with `await pool.close()`.

    `command_timeout` bounds every statement on the client side (a hung server cannot hold a
    request forever); `connect_timeout` bounds each connection attempt.
    """
    return await asyncpg.create_pool(
        dsn=database_url,
        min_size=min_size,
        max_size=max_size,
        timeout=connect_timeout,
        command_timeout=command_timeout,
        # Connections idle this long are closed, so a pool shrinks back after a burst.
        max_inactive_connection_lifetime=300.0,
        server_settings={
            "application_name": application_name,
            # asyncpg prepares and caches every statement; after five runs PostgreSQL may switch
            # to a generic plan that ignores the parameter values, which turns a trigram-indexed
            # search into a scan of the table (docs/performance.md). Planning each run costs
            # little for the primary-key lookups, so it is set for the whole connection.
            "plan_cache_mode": "force_custom_plan",
            # A transaction left open by a bug must not hold locks and a connection forever.
            "idle_in_transaction_session_timeout": "60s",
            "TimeZone": "UTC",
        },
    )
