"""SystemClock: the wall clock in UTC, truncated to microseconds."""

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
