"""The limits the HTTP layer enforces on every request: body, time, concurrency, rate."""

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket per client address: `burst` requests at once, `per_second` refilled."""

    per_second: float
    burst: int


@dataclass(frozen=True, slots=True)
class HttpLimits:
    # A body of exactly max_body_bytes is accepted; one byte more is a 413.
    max_body_bytes: int = MIB
    request_timeout_seconds: float = 30.0
    max_concurrent_requests: int = 1000
    rate_limit: RateLimit | None = None
    # The whole body must arrive within this long, else 408 and the connection is closed.
    request_body_timeout_seconds: float = 10.0
