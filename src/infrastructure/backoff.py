"""Exponential backoff with a cap, and sleeps that end early when a stop is asked for."""

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits of base, 2·base, 4·base … seconds, never more than `max_seconds`."""

    base_seconds: float
    max_seconds: float

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1 for the first failure)."""
        exponent = min(max(attempt - 1, 0), 32)  # 2**32·base is past any sensible cap
        return float(min(self.max_seconds, self.base_seconds * 2**exponent))


async def sleep_unless_set(event: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds`, or less when `event` is set meanwhile; True when it is set."""
    if event.is_set():
        return True
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
