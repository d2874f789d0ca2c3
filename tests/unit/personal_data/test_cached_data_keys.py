"""CachedDataKeys: a key found or created is served from memory until KEY_CACHE_SECONDS after
it was cached; "no key" is never cached; destroy evicts; at most `capacity` keys."""

import asyncio

import pytest

from interface_adapter.personal_data.cached_data_keys import CachedDataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.virtual_time import in_virtual_time

pytestmark = pytest.mark.unit

TTL = 60.0
ACCOUNT, OTHER, THIRD = "01KB6Y3ZQ8XW3R8Q3V9T6J2M4A", "01KB6Y3ZQ8XW3R8Q3V9T6J2M4B", "01KB6Y3ZQ8X"


class CountingKeys(InMemoryDataKeys):
    """The keys of "the table", counting the finds that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.finds = 0

    async def find(self, account_id: str) -> bytes | None:
        self.finds += 1
        return await super().find(account_id)


@in_virtual_time
async def test_a_found_key_is_served_from_memory_until_it_expires() -> None:
    table = CountingKeys()
    key = await table.create(ACCOUNT)
    cache = CachedDataKeys(table, ttl_seconds=TTL)

    assert await cache.find(ACCOUNT) == key
    await asyncio.sleep(TTL - 1)
    assert await cache.find(ACCOUNT) == key
    assert table.finds == 1

    await asyncio.sleep(1)
    assert await cache.find(ACCOUNT) == key
    assert table.finds == 2  # expired: read again


@in_virtual_time
async def test_the_lifetime_counts_from_caching_not_from_the_last_use() -> None:
    table = CountingKeys()
    await table.create(ACCOUNT)
    cache = CachedDataKeys(table, ttl_seconds=TTL)
    await cache.find(ACCOUNT)

    for _ in range(5):  # used often, it still expires TTL after it was read
        await asyncio.sleep(TTL / 5 - 0.001)
        await cache.find(ACCOUNT)
    assert table.finds == 1
    await asyncio.sleep(0.01)
    await cache.find(ACCOUNT)
    assert table.finds == 2


@in_virtual_time
async def test_a_key_destroyed_by_another_process_is_gone_once_its_entry_expires() -> None:
    table = CountingKeys()
    key = await table.create(ACCOUNT)
    here = CachedDataKeys(table, ttl_seconds=TTL)
    await here.find(ACCOUNT)

    await table.destroy(ACCOUNT)  # another process erased the account

    assert await here.find(ACCOUNT) == key  # still within KEY_CACHE_SECONDS
    await asyncio.sleep(TTL)
    assert await here.find(ACCOUNT) is None


async def test_a_created_key_is_cached() -> None:
    table = CountingKeys()
    cache = CachedDataKeys(table, ttl_seconds=TTL)

    key = await cache.create(ACCOUNT)

    assert await cache.find(ACCOUNT) == key
    assert table.finds == 0


async def test_no_key_is_never_cached() -> None:
    table = CountingKeys()
    cache = CachedDataKeys(table, ttl_seconds=TTL)
    assert await cache.find(ACCOUNT) is None

    key = await table.create(ACCOUNT)  # created by another process just after

    assert await cache.find(ACCOUNT) == key
    assert table.finds == 2


async def test_destroy_evicts_at_once_and_deletes_the_key() -> None:
    table = CountingKeys()
    cache = CachedDataKeys(table, ttl_seconds=TTL)
    await cache.create(ACCOUNT)
    kept = await cache.create(OTHER)

    await cache.destroy(ACCOUNT)

    assert await cache.find(ACCOUNT) is None
    assert await table.find(ACCOUNT) is None
    assert await cache.find(OTHER) == kept
    assert len(cache) == 1


async def test_a_find_overtaken_by_a_destroy_caches_nothing() -> None:
    class SlowFinds(CountingKeys):
        def __init__(self) -> None:
            super().__init__()
            self.release = asyncio.Event()

        async def find(self, account_id: str) -> bytes | None:
            found = await super().find(account_id)  # read before the destroy
            await self.release.wait()
            return found

    table = SlowFinds()
    key = await table.create(ACCOUNT)
    cache = CachedDataKeys(table, ttl_seconds=TTL)
    finding = asyncio.create_task(cache.find(ACCOUNT))
    await asyncio.sleep(0)

    await cache.destroy(ACCOUNT)
    table.release.set()

    assert await finding == key  # what was read before the destroy
    assert len(cache) == 0
    assert await cache.find(ACCOUNT) is None


async def test_zero_seconds_turns_the_cache_off() -> None:
    table = CountingKeys()
    cache = CachedDataKeys(table, ttl_seconds=0)
    key = await cache.create(ACCOUNT)

    assert [await cache.find(ACCOUNT) for _ in range(3)] == [key] * 3
    assert table.finds == 3
    assert len(cache) == 0


async def test_at_most_capacity_keys_least_recently_used_go_first() -> None:
    table = CountingKeys()
    cache = CachedDataKeys(table, ttl_seconds=TTL, capacity=2)
    for account_id in (ACCOUNT, OTHER):
        await cache.create(account_id)
    await cache.find(ACCOUNT)  # now the most recently used

    await cache.create(THIRD)

    assert len(cache) == 2
    await cache.find(ACCOUNT)
    await cache.find(THIRD)
    assert table.finds == 0
    await cache.find(OTHER)  # evicted: read again
    assert table.finds == 1


async def test_an_injected_clock_decides_expiry() -> None:
    now = [100.0]
    table = CountingKeys()
    await table.create(ACCOUNT)
    cache = CachedDataKeys(table, ttl_seconds=5, clock=lambda: now[0])

    await cache.find(ACCOUNT)
    now[0] = 104.9
    await cache.find(ACCOUNT)
    now[0] = 105.0
    await cache.find(ACCOUNT)

    assert table.finds == 2


@pytest.mark.parametrize(("ttl", "capacity"), [(-1, 10), (60, -1)])
def test_negative_settings_are_refused(ttl: float, capacity: int) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        CachedDataKeys(InMemoryDataKeys(), ttl_seconds=ttl, capacity=capacity)
