"""CaughtUpQueries: the read model's queries, each answered once what is committed is projected."""

from collections.abc import Collection

from apps.in_memory.projection_feed import ProjectionFeed
from domain.user_account import UserAccountId
from use_case.ports import UserAccountQueries, UserAccountRow


class CaughtUpQueries:
    """Wraps the in-memory read model's queries so that a read sees every mutation that was
    answered before it (read-your-writes), though the feed projects in batches."""

    def __init__(self, queries: UserAccountQueries, feed: ProjectionFeed) -> None:
        self._queries = queries
        self._feed = feed

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        await self._feed.caught_up()
        return await self._queries.get(account_id)

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        await self._feed.caught_up()
        return await self._queries.list_after(first, after)

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        await self._feed.caught_up()
        return await self._queries.get_many(ids)

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        await self._feed.caught_up()
        return await self._queries.search(term, first)
