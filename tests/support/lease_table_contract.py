"""LeaseTableContract: what every LeaseTable adapter must do; a test module subclasses it and
provides the `table` fixture (in memory, and DynamoDB on moto, run the same tests)."""

from uuid import uuid4

import pytest

from infrastructure.stream_consumer import LeaseKey, LeaseTable

NOW = 1_800_000_000_000
LEASE_MS = 10_000


def new_key() -> LeaseKey:
    """A shard of a stream no other test uses."""
    return LeaseKey(f"arn:aws:dynamodb:test:table/journal/stream/{uuid4().hex}", "shard-1")


class LeaseTableContract:
    @pytest.fixture
    def key(self) -> LeaseKey:
        return new_key()

    async def test_a_free_lease_is_taken_with_counter_one(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        assert await table.take(key, "a", NOW, NOW + LEASE_MS) == 1

    async def test_a_held_lease_cannot_be_taken_until_it_expires(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        await table.take(key, "a", NOW, NOW + LEASE_MS)
        assert await table.take(key, "b", NOW + LEASE_MS, NOW + 2 * LEASE_MS) is None
        assert await table.take(key, "b", NOW + LEASE_MS + 1, NOW + 2 * LEASE_MS) == 2

    async def test_renewal_needs_the_owner_and_its_counter_and_moves_the_counter(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        counter = await table.take(key, "a", NOW, NOW + LEASE_MS)
        assert counter == 1
        assert not await table.renew(key, "b", 1, NOW + LEASE_MS)
        assert not await table.renew(key, "a", 2, NOW + LEASE_MS)
        assert await table.renew(key, "a", 1, NOW + 2 * LEASE_MS)
        assert not await table.renew(key, "a", 1, NOW + 2 * LEASE_MS)  # the counter moved on
        assert await table.renew(key, "a", 2, NOW + 3 * LEASE_MS)
        # Renewed: still held long after the first expiry.
        assert await table.take(key, "b", NOW + 2 * LEASE_MS, NOW + 4 * LEASE_MS) is None

    async def test_a_lease_taken_over_cannot_be_renewed_by_its_old_owner(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        await table.take(key, "a", NOW, NOW + LEASE_MS)
        assert await table.take(key, "b", NOW + LEASE_MS + 1, NOW + 2 * LEASE_MS) == 2
        assert not await table.renew(key, "a", 1, NOW + 2 * LEASE_MS)
        assert not await table.release(key, "a", 1)
        assert await table.renew(key, "b", 2, NOW + 3 * LEASE_MS)

    async def test_a_released_lease_is_taken_at_once(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        await table.take(key, "a", NOW, NOW + LEASE_MS)
        assert await table.release(key, "a", 1)
        assert await table.take(key, "b", NOW + 1, NOW + LEASE_MS) == 3
        assert not await table.renew(key, "a", 2, NOW + LEASE_MS)

    async def test_leases_of_other_shards_and_streams_are_separate(
        self, table: LeaseTable, key: LeaseKey
    ) -> None:
        await table.take(key, "a", NOW, NOW + LEASE_MS)
        other_shard = LeaseKey(key.stream_arn, "shard-2")
        other_stream = LeaseKey(key.stream_arn + "-new", key.shard_id)
        assert await table.take(other_shard, "b", NOW, NOW + LEASE_MS) == 1
        assert await table.take(other_stream, "b", NOW, NOW + LEASE_MS) == 1
