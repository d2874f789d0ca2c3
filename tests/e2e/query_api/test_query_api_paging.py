"""Paging across 250 accounts with `first` and `after`, on the in-memory read model."""

import random
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.e2e.query_api.accounts import account_id, account_row, seed
from tests.e2e.query_api.paging import assert_pages_cover, page_through

pytestmark = pytest.mark.e2e

ACCOUNTS = 250


@pytest.mark.parametrize("first", [100, 7])
async def test_paging_visits_every_live_account_once_in_id_order(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel, first: int
) -> None:
    numbers = list(range(1, ACCOUNTS + 1))
    random.Random(11).shuffle(numbers)
    # Deleted accounts between the live ones must leave no gap in a page.
    await seed(read_model, *(account_row(n, deleted=n % 50 == 0) for n in numbers))
    await seed(read_model, *(account_row(n) for n in range(ACCOUNTS + 1, ACCOUNTS + 6)))

    pages = await page_through(client, first)

    live = [account_id(n) for n in range(1, ACCOUNTS + 6) if n > ACCOUNTS or n % 50 != 0]
    assert len(live) == 250
    assert_pages_cover(pages, live, first)
