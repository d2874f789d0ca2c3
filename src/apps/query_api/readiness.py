"""Readiness checks of the Query API: its read model answers."""

import asyncpg

# The check bounds itself (connecting included), wherever it is called from; the readiness
# route also bounds every check with its own limit.
DEFAULT_TIMEOUT_SECONDS = 2.0


class PostgresCheck:
    """Ready when a pooled connection answers `SELECT 1` (connecting first when none is open)."""

    def __init__(
        self, pool: "asyncpg.Pool[asyncpg.Record]", timeout_s: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self._pool = pool
        self._timeout_s = timeout_s

    async def __call__(self) -> None:
        async with self._pool.acquire(timeout=self._timeout_s) as connection:
            await connection.fetchval("SELECT 1", timeout=self._timeout_s)


async def in_memory_ready() -> None:
    """The in-memory read model lives in the process: it is ready while the process runs."""
