"""ShardLeases: taking, renewing, losing and releasing shard leases between updater processes."""

import asyncio
import time

import pytest

from infrastructure.stream_consumer import LeaseKey, ShardLeases
from tests.support.lease_table import InMemoryLeaseTable
from tests.support.virtual_time import in_virtual_time

pytestmark = pytest.mark.unit

KEY = LeaseKey("arn:stream", "shard-1")
LEASE_SECONDS = 9.0


class Clock:
    """The wall clock and the monotonic one, moved by hand (one machine: they agree)."""

    def __init__(self) -> None:
        self.seconds = 1_800_000_000.0

    def wall_ms(self) -> int:
        return int(self.seconds * 1000)

    def monotonic(self) -> float:
        return self.seconds


class Lost:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def leases(table: InMemoryLeaseTable, clock: Clock, owner: str) -> ShardLeases:
    return ShardLeases(
        table, LEASE_SECONDS, owner, wall_ms=clock.wall_ms, monotonic=clock.monotonic
    )


async def test_one_holder_at_a_time_and_a_takeover_once_the_lease_expired() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first, second = leases(table, clock, "first"), leases(table, clock, "second")
    first_lost = Lost()
    held = await first.acquire(KEY, first_lost)
    assert held is not None
    assert held.held()
    assert await second.acquire(KEY, Lost()) is None

    clock.seconds += LEASE_SECONDS  # the first one stopped renewing (killed, or stuck)
    assert not held.held()  # it stops writing at once, before it knows more
    assert await second.acquire(KEY, Lost()) is None  # expired only after the expiry
    clock.seconds += 0.001
    assert await second.acquire(KEY, Lost()) is not None
    assert table.items[KEY].owner == "second"

    await first.renew_all()
    assert first_lost.calls == 1
    assert not first.holds(KEY)
    assert second.holds(KEY)


async def test_renewals_every_third_keep_the_lease_past_its_first_expiry() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first, second = leases(table, clock, "first"), leases(table, clock, "second")
    held = await first.acquire(KEY, Lost())
    assert held is not None
    assert first.renew_interval_seconds == LEASE_SECONDS / 3
    for _ in range(6):
        clock.seconds += first.renew_interval_seconds
        await first.renew_all()
        assert await second.acquire(KEY, Lost()) is None
    assert held.held()
    assert held.counter == 7


async def test_acquiring_a_lease_already_held_costs_no_write_and_rebinds_on_lost() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first = leases(table, clock, "first")
    held = await first.acquire(KEY, Lost())
    later = Lost()
    assert await first.acquire(KEY, later) is held
    assert table.items[KEY].counter == 1
    await leases(table, clock, "second").acquire(KEY, Lost())  # not yet: still held
    clock.seconds += LEASE_SECONDS + 1
    assert await leases(table, clock, "second").acquire(KEY, Lost()) is not None
    await first.renew_all()
    assert later.calls == 1


async def test_a_released_lease_is_taken_at_once_by_another() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first, second = leases(table, clock, "first"), leases(table, clock, "second")
    held = await first.acquire(KEY, Lost())
    assert held is not None
    await first.release_all()
    assert not held.held()
    assert await second.acquire(KEY, Lost()) is not None


async def test_a_lease_that_cannot_be_renewed_is_lost_when_its_time_is_up() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first = leases(table, clock, "first")
    lost = Lost()
    held = await first.acquire(KEY, lost)
    assert held is not None
    table.failing = ConnectionError("DynamoDB unreachable")
    clock.seconds += LEASE_SECONDS / 3
    await first.renew_all()
    assert lost.calls == 0  # still ours for a while: the others cannot take it yet
    assert held.held()
    clock.seconds += LEASE_SECONDS
    await first.renew_all()
    assert lost.calls == 1
    assert not first.holds(KEY)


class HangingTable(InMemoryLeaseTable):
    async def renew(self, key: LeaseKey, owner: str, counter: int, expires_at_ms: int) -> bool:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@in_virtual_time
async def test_a_renewal_that_hangs_is_given_up_when_the_lease_runs_out() -> None:
    table = HangingTable()
    first = ShardLeases(table, 0.2, "first", monotonic=time.monotonic)
    lost = Lost()
    assert await first.acquire(KEY, lost) is not None
    started = time.monotonic()
    await first.renew_all()
    assert lost.calls == 1
    # In virtual time: exactly when the lease ran out, however slow the machine.
    assert time.monotonic() - started == pytest.approx(0.2)


async def test_holding_or_standing_by_is_told_from_the_lease_tables_last_answer() -> None:
    table, clock = InMemoryLeaseTable(), Clock()
    first, second = leases(table, clock, "first"), leases(table, clock, "second")
    assert not first.waiting_or_holding()  # it never asked
    assert await first.acquire(KEY, Lost()) is not None
    assert await second.acquire(KEY, Lost()) is None
    assert (first.held_count(), second.held_count()) == (1, 0)
    assert first.waiting_or_holding()  # holding
    assert second.waiting_or_holding()  # standing by

    table.failing = ConnectionError("DynamoDB unreachable")
    clock.seconds += LEASE_SECONDS / 3
    await first.renew_all()
    with pytest.raises(ConnectionError):
        await second.acquire(KEY, Lost())
    assert first.held_count() == 1  # not yet overdue
    clock.seconds += LEASE_SECONDS
    await first.renew_all()
    assert first.held_count() == 0
    assert not first.waiting_or_holding()
    assert not second.waiting_or_holding()

    table.failing = None
    clock.seconds += 0.001
    assert await second.acquire(KEY, Lost()) is not None  # the first one's expired
    assert second.waiting_or_holding()
    assert second.held_count() == 1
