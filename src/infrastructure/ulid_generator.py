"""UlidGenerator: new ULIDs, upper-case Crockford base32, increasing within the process."""

import os
import threading
import time
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_PAIRS = tuple(high + low for high in ALPHABET for low in ALPHABET)  # every 10-bit value
_TIME_SHIFTS = (40, 30, 20, 10, 0)  # 50 bits, 2 of them always zero
_RANDOM_BITS = 80
_MAX_RANDOM = (1 << _RANDOM_BITS) - 1
MAX_TIMESTAMP_MS = (1 << 48) - 1


def _base32(value: int, shifts: tuple[int, ...]) -> str:
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in shifts])


def _random_text(value: int) -> str:
    """The 16 characters of 80 random bits: `_base32` unrolled, as it runs for every id (twice
    as fast as the loop)."""
    pairs = _PAIRS
    return "".join(
        (
            pairs[(value >> 70) & 1023],
            pairs[(value >> 60) & 1023],
            pairs[(value >> 50) & 1023],
            pairs[(value >> 40) & 1023],
            pairs[(value >> 30) & 1023],
            pairs[(value >> 20) & 1023],
            pairs[(value >> 10) & 1023],
            pairs[value & 1023],
        )
    )


def encode_ulid(value: int) -> str:
    """The 26-character text of the 128-bit ULID `value`."""
    if not 0 <= value >> _RANDOM_BITS <= MAX_TIMESTAMP_MS:
        raise ValueError(f"a ULID is a 128-bit unsigned number, not {value}")
    return _base32(value >> _RANDOM_BITS, _TIME_SHIFTS) + _random_text(value & _MAX_RANDOM)


def wall_clock_milliseconds() -> int:
    return time.time_ns() // 1_000_000


def random_80_bits() -> int:
    return int.from_bytes(os.urandom(_RANDOM_BITS // 8), "big")


class UlidGenerator:
    """ULIDs from the wall clock and `os.urandom`, strictly increasing in one generator.

    A ULID is 48 bits of Unix time in milliseconds (10 characters) and 80 random bits (16
    characters). Every command takes one (its event id) and a create two, so they are made here
    rather than with python-ulid's `str(ULID())`, which builds bytes, an object and its text one
    character at a time: here the time part is encoded once per millisecond and the random part two
    characters per table lookup (what that saves: docs/performance.md).

    Like python-ulid's default (monotonic) generator, an id made in the same millisecond as the one
    before is the previous one plus one, so ids sort in the order they were made (the order lists
    of accounts follow); so is one made after the wall clock stepped back. Safe across threads.
    """

    def __init__(
        self,
        milliseconds: Callable[[], int] = wall_clock_milliseconds,
        randomness: Callable[[], int] = random_80_bits,
    ) -> None:
        self._now = milliseconds
        self._randomness = randomness
        self._lock = threading.Lock()
        self._milliseconds = -1
        self._time_text = ""
        self._random = 0

    def new_id(self) -> str:
        now = self._now()
        with self._lock:
            if now > self._milliseconds:
                self._start_millisecond(now, self._randomness())
            elif self._random < _MAX_RANDOM:
                self._random += 1
            else:  # the random part overflows: carry into the time part, as + 1 on 128 bits does
                self._start_millisecond(self._milliseconds + 1, 0)
            return self._time_text + _random_text(self._random)

    def _start_millisecond(self, milliseconds: int, random: int) -> None:
        if milliseconds > MAX_TIMESTAMP_MS:
            raise ValueError("the clock is past the last ULID time (year 10889)")
        self._milliseconds = milliseconds
        self._time_text = _base32(milliseconds, _TIME_SHIFTS)
        self._random = random
