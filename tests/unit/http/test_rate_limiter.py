"""TokenBuckets: bursts, refills, the wait it tells, and the clients it remembers."""

import pytest

from infrastructure.http.rate_limiter import TokenBuckets

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_may_send_its_burst_at_once_then_waits_for_a_token() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_second=2, burst=3, clock=clock)

    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)


def test_tokens_come_back_at_the_rate_up_to_the_burst() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_second=2, burst=3, clock=clock)
    for _ in range(3):
        buckets.take("a")

    clock.now += 0.75  # 1.5 tokens
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(0.25)
    clock.now += 3600
    assert [buckets.take("a") for _ in range(4)][:3] == [0.0, 0.0, 0.0]


def test_a_refused_request_costs_no_token() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_second=1, burst=1, clock=clock)
    buckets.take("a")

    for _ in range(5):
        assert buckets.take("a") == pytest.approx(1.0 - (clock.now - 1000.0))
        clock.now += 0.1
    clock.now = 1001.0
    assert buckets.take("a") == 0.0


def test_clients_have_their_own_buckets() -> None:
    buckets = TokenBuckets(per_second=1, burst=1, clock=FakeClock())

    assert (buckets.take("a"), buckets.take("b")) == (0.0, 0.0)
    assert buckets.take("a") > 0
    assert buckets.take("b") > 0


def test_past_its_size_the_least_recently_seen_client_is_forgotten() -> None:
    buckets = TokenBuckets(per_second=1, burst=1, max_clients=2, clock=FakeClock())
    buckets.take("a")
    buckets.take("b")
    buckets.take("a")  # a is seen again: b is now the least recent

    buckets.take("c")

    assert buckets.take("a") > 0  # remembered: still empty
    assert buckets.take("b") == 0.0  # forgotten: a full bucket again


@pytest.mark.parametrize(("per_second", "burst"), [(0, 1), (-1, 1), (1, 0)])
def test_a_rate_limit_needs_a_positive_rate_and_burst(per_second: float, burst: int) -> None:
    with pytest.raises(ValueError, match="positive rate"):
        TokenBuckets(per_second=per_second, burst=burst)
