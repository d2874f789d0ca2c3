"""UlidGenerator: valid ULIDs of the current time, strictly increasing, encoded as python-ulid."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success
from ulid import ULID

from domain.user_account import UserAccountId
from infrastructure.ulid_generator import MAX_TIMESTAMP_MS, UlidGenerator, encode_ulid

pytestmark = pytest.mark.unit

MAX_RANDOM = (1 << 80) - 1


class Clock:
    """Milliseconds that the test moves by hand."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def value_of(text: str) -> int:
    return int(ULID.from_str(text))


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_encoding_is_python_ulids(value: int) -> None:
    assert encode_ulid(value) == str(ULID.from_int(value))


@pytest.mark.parametrize("value", [-1, 1 << 128])
def test_only_128_bit_values_are_encoded(value: int) -> None:
    with pytest.raises(ValueError, match="128-bit"):
        encode_ulid(value)


def test_ids_are_valid_user_account_ids_of_the_current_time() -> None:
    before = ULID()
    new_id = UlidGenerator().new_id()
    after = ULID()
    assert UserAccountId.parse(new_id) == Success(UserAccountId(new_id))
    assert before.milliseconds <= ULID.from_str(new_id).milliseconds <= after.milliseconds


def test_ids_are_strictly_increasing() -> None:
    generator = UlidGenerator()
    ids = [generator.new_id() for _ in range(20_000)]
    assert ids == sorted(set(ids))


def test_a_new_millisecond_takes_fresh_randomness() -> None:
    clock, draws = Clock(1_000), iter([5, 3])
    generator = UlidGenerator(clock, lambda: next(draws))
    first = generator.new_id()
    clock.now = 1_001
    second = generator.new_id()
    assert value_of(first) == 1_000 << 80 | 5
    assert value_of(second) == 1_001 << 80 | 3


def test_within_a_millisecond_or_after_the_clock_stepped_back_each_id_is_the_last_plus_one() -> (
    None
):
    clock = Clock(1_000)
    generator = UlidGenerator(clock, lambda: 7)
    first = generator.new_id()
    same_millisecond = generator.new_id()
    clock.now = 990
    stepped_back = generator.new_id()
    assert [value_of(i) for i in (first, same_millisecond, stepped_back)] == [
        1_000 << 80 | 7,
        1_000 << 80 | 8,
        1_000 << 80 | 9,
    ]


def test_an_exhausted_millisecond_carries_into_the_next() -> None:
    generator = UlidGenerator(Clock(1_000), lambda: MAX_RANDOM)
    last_of_millisecond = generator.new_id()
    carried = generator.new_id()
    assert value_of(carried) == value_of(last_of_millisecond) + 1 == 1_001 << 80


def test_a_clock_past_the_last_ulid_time_is_an_error() -> None:
    with pytest.raises(ValueError, match="last ULID time"):
        UlidGenerator(Clock(MAX_TIMESTAMP_MS + 1)).new_id()
