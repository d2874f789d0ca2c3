"""Clock: where "now" comes from."""

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC, microsecond precision."""
        ...
