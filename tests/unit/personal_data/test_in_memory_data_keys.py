"""InMemoryDataKeys, and CachedDataKeys in front of it, under the DataKeys contract."""

import pytest

from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.data_keys_contract import DataKeysContract

pytestmark = pytest.mark.unit


class TestInMemoryDataKeys(DataKeysContract):
    @pytest.fixture
    def data_keys(self) -> InMemoryDataKeys:
        return InMemoryDataKeys()


class TestCachedInMemoryDataKeys(DataKeysContract):
    @pytest.fixture
    def data_keys(self) -> CachedDataKeys:
        return CachedDataKeys(InMemoryDataKeys(), ttl_seconds=60)


class TestUncachedInMemoryDataKeys(DataKeysContract):
    @pytest.fixture
    def data_keys(self) -> CachedDataKeys:
        return CachedDataKeys(InMemoryDataKeys(), ttl_seconds=0)


async def test_repr_counts_the_keys_and_shows_none_of_them() -> None:
    keys = InMemoryDataKeys()
    key = await keys.create("01KB6Y3ZQ8XW3R8Q3V9T6J2M4N")
    cached = CachedDataKeys(keys, ttl_seconds=60)
    await cached.find("01KB6Y3ZQ8XW3R8Q3V9T6J2M4N")

    assert repr(keys) == "InMemoryDataKeys(<1 keys>)"
    assert repr(cached) == "CachedDataKeys(<1 keys>, ttl_seconds=60)"
    for text in (repr(keys), repr(cached)):
        assert key.hex() not in text
        assert repr(key)[2:-1] not in text
