"""VerifiedTokens: a Principal is served until its token's `exp`, never after; bounded LRU."""

import pytest

from infrastructure.auth import Principal, VerifiedTokens

pytestmark = pytest.mark.unit

ALICE = Principal("alice", False)
ADMIN = Principal("admin", True)


def test_a_token_is_served_until_its_exp_and_never_after() -> None:
    cache = VerifiedTokens()
    cache.put("t", ALICE, expires_at=1000.0, now=900.0)

    assert cache.get("t", now=999.9) == ALICE
    assert cache.get("t", now=1000.0) is None
    assert cache.get("t", now=999.0) is None  # dropped once seen expired
    assert len(cache) == 0


def test_a_token_already_past_its_exp_is_not_kept() -> None:
    cache = VerifiedTokens()
    cache.put("t", ALICE, expires_at=1000.0, now=1000.0)

    assert cache.get("t", now=0.0) is None


def test_the_least_recently_used_token_goes_first() -> None:
    cache = VerifiedTokens(capacity=2)
    cache.put("a", ALICE, expires_at=10.0, now=0.0)
    cache.put("b", ADMIN, expires_at=10.0, now=0.0)
    assert cache.get("a", now=1.0) == ALICE

    cache.put("c", ALICE, expires_at=10.0, now=1.0)

    assert len(cache) == 2
    assert cache.get("b", now=1.0) is None
    assert cache.get("a", now=1.0) == ALICE
    assert cache.get("c", now=1.0) == ALICE


def test_a_capacity_of_zero_keeps_nothing() -> None:
    cache = VerifiedTokens(capacity=0)
    cache.put("a", ALICE, expires_at=10.0, now=0.0)

    assert cache.get("a", now=1.0) is None
