"""Hand-written fakes for the use-case ports: a fixed-step clock and a counting id generator."""

from datetime import UTC, datetime, timedelta

from tests.support.strategies import CROCKFORD


class SteppingClock:
    """Each call returns a time one millisecond and one microsecond after the previous one."""

    def __init__(self, start: datetime = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)):
        self._now = start

    def now(self) -> datetime:
        self._now += timedelta(milliseconds=1, microseconds=1)
        return self._now


class CountingIdGenerator:
    """Valid, increasing ULIDs: 0000…0001, 0000…0002, …"""

    def __init__(self) -> None:
        self._counter = 0

    def new_id(self) -> str:
        self._counter += 1
        value, digits = self._counter, []
        for _ in range(26):
            value, digit = divmod(value, 32)
            digits.append(CROCKFORD[digit])
        return "".join(reversed(digits))
