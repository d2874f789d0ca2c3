"""AggregateCache: a bounded least-recently-used map of states that never goes back in time."""

from datetime import UTC, datetime

import pytest

from domain.user_account import (
    EmailAddress,
    NotCreated,
    UserAccount,
    UserAccountId,
    UserAccountName,
)
from tests.support.fakes import CountingIdGenerator
from use_case.user_account.aggregate_cache import AggregateCache

pytestmark = pytest.mark.unit

IDS = CountingIdGenerator()


def account(version: int = 1, aggregate_id: UserAccountId | None = None) -> UserAccount:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return UserAccount(
        id=aggregate_id or UserAccountId(IDS.new_id()),
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        created_at=moment,
        updated_at=moment,
        version=version,
        owner=None,
    )


def test_a_state_put_is_found_and_an_unknown_id_misses() -> None:
    cache = AggregateCache(10)
    state = account()
    cache.put(state)
    assert cache.get(state.id) is state
    assert cache.get(UserAccountId(IDS.new_id())) is None


def test_the_least_recently_used_state_is_evicted_beyond_the_capacity() -> None:
    cache = AggregateCache(2)
    first, second, third = account(), account(), account()
    cache.put(first)
    cache.put(second)
    assert cache.get(first.id) is first  # first is now the most recently used
    cache.put(third)
    assert len(cache) == 2
    assert cache.get(second.id) is None
    assert cache.get(first.id) is first
    assert cache.get(third.id) is third


def test_an_older_state_never_replaces_a_newer_one() -> None:
    cache = AggregateCache(10)
    newer = account(version=5)
    older = account(version=4, aggregate_id=newer.id)
    cache.put(newer)
    cache.put(older)
    assert cache.get(newer.id) is newer
    newest = account(version=6, aggregate_id=newer.id)
    cache.put(newest)
    assert cache.get(newer.id) is newest


def test_a_discarded_state_is_gone() -> None:
    cache = AggregateCache(10)
    state = account()
    cache.put(state)
    cache.discard(state.id)
    cache.discard(state.id)  # twice is harmless
    assert cache.get(state.id) is None
    assert len(cache) == 0


def test_capacity_zero_keeps_nothing() -> None:
    cache = AggregateCache(0)
    state = account()
    cache.put(state)
    assert cache.get(state.id) is None
    assert len(cache) == 0


def test_any_state_can_be_kept_including_not_created() -> None:
    cache = AggregateCache(1)
    state = NotCreated(UserAccountId(IDS.new_id()))
    cache.put(state)
    assert cache.get(state.id) is state


def test_a_negative_capacity_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity must be 0 or more"):
        AggregateCache(-1)
