"""AggregateCache: a bounded least-recently-used map of states that never goes back in time, kept
out of the garbage collector's way."""

import gc
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountId,
    UserAccountName,
    UserAccountState,
)
from tests.support.fakes import CountingIdGenerator
from use_case.user_account.aggregate_cache import AggregateCache

pytestmark = pytest.mark.unit

IDS = CountingIdGenerator()


def account(
    version: int = 1, aggregate_id: UserAccountId | None = None, owner: str | None = None
) -> UserAccount:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return UserAccount(
        id=aggregate_id or UserAccountId(IDS.new_id()),
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        created_at=moment,
        updated_at=moment,
        version=version,
        owner=owner,
    )


def test_a_state_put_is_found_and_an_unknown_id_misses() -> None:
    cache = AggregateCache(10)
    state = account()
    cache.put(state)
    assert cache.get(state.id) == state
    assert cache.get(UserAccountId(IDS.new_id())) is None


def test_the_least_recently_used_state_is_evicted_beyond_the_capacity() -> None:
    cache = AggregateCache(2)
    first, second, third = account(), account(), account()
    cache.put(first)
    cache.put(second)
    assert cache.get(first.id) == first  # first is now the most recently used
    cache.put(third)
    assert len(cache) == 2
    assert cache.get(second.id) is None
    assert cache.get(first.id) == first
    assert cache.get(third.id) == third


def test_an_older_state_never_replaces_a_newer_one() -> None:
    cache = AggregateCache(10)
    newer = account(version=5)
    older = account(version=4, aggregate_id=newer.id)
    cache.put(newer)
    cache.put(older)
    assert cache.get(newer.id) == newer
    newest = account(version=6, aggregate_id=newer.id)
    cache.put(newest)
    assert cache.get(newer.id) == newest


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
    assert cache.get(state.id) == state


def test_a_negative_capacity_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity must be 0 or more"):
        AggregateCache(-1)


def test_every_kind_of_state_comes_back_equal_with_its_id() -> None:
    cache = AggregateCache(10)
    moment = datetime(2026, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
    states: list[UserAccountState] = [
        account(version=3, owner="auth0|alice"),
        replace(account(version=4), deleted=True),
        ErasedUserAccount(UserAccountId(IDS.new_id()), 5, moment),
        NotCreated(UserAccountId(IDS.new_id())),
    ]
    for state in states:
        cache.put(state)
    for state in states:
        found = cache.get(state.id)
        assert found == state
        assert type(found) is type(state)


def test_a_cached_entry_is_not_tracked_by_the_garbage_collector_after_a_collection() -> None:
    cache = AggregateCache(10)
    states: list[UserAccountState] = [
        account(owner="auth0|alice"),
        account(),
        ErasedUserAccount(UserAccountId(IDS.new_id()), 2, datetime(2026, 1, 2, tzinfo=UTC)),
        NotCreated(UserAccountId(IDS.new_id())),
    ]
    for state in states:
        cache.put(state)
    gc.collect()
    for state in states:
        entry = cache.record_of(state.id)
        assert entry is not None
        assert not gc.is_tracked(entry), entry


def test_cached_states_leave_the_collector_nothing_more_to_track() -> None:
    # A full collection walks every tracked object: cached states must not add any (kept as
    # objects, each added four: the account, its id, its name, its email).
    cache = AggregateCache(1_000)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(1_000):
        cache.put(account())
    gc.collect()
    assert len(cache) == 1_000
    assert len(gc.get_objects()) - before < 50
