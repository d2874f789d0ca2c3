"""searchUserAccounts edge cases (unicode, case, wildcards, full name) on the in-memory model."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.e2e.query_api.accounts import account_id, seed
from tests.e2e.query_api.queries import SEARCH, ids_of
from tests.e2e.query_api.search_cases import SEARCH_CASES, SearchCase, search_rows

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("case", SEARCH_CASES, ids=lambda case: case.why)
async def test_search(
    client: TestClient[Any, Any], read_model: InMemoryUserAccountReadModel, case: SearchCase
) -> None:
    await seed(read_model, *search_rows())

    found = await ids_of(client, SEARCH, {"term": case.term})

    assert found == [account_id(number) for number in case.expected]
