"""Paging through every account with `after`, as a client does; shared by both read models."""

from typing import Any

from aiohttp.test_utils import TestClient

from tests.e2e.query_api.queries import LIST, ids_of


async def page_through(client: TestClient[Any, Any], first: int) -> list[list[str]]:
    """Every page of `getUserAccounts(first, after)` until an empty one (not included)."""
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = await ids_of(client, LIST, {"first": first, "after": after})
        if not page:
            return pages
        pages.append(page)
        after = page[-1]
        assert len(pages) < 1000, "paging does not end"


def assert_pages_cover(pages: list[list[str]], expected_ids: list[str], first: int) -> None:
    """Each page ordered, full but the last, which is short; together: every id once."""
    for page in pages:
        assert page == sorted(page)
    assert [len(page) for page in pages[:-1]] == [first] * (len(pages) - 1)
    assert 0 < len(pages[-1]) < first
    assert [account for page in pages for account in page] == expected_ids
