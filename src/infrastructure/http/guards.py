"""HttpGuards: what keeps a server serving: a per-client rate limit, a cap on the requests in
progress, and a time limit per request. Each refusal has the services' JSON error shape.

They run inside the one request middleware (middleware.py), in this order: a throttled client
costs no slot of the requests in progress, and the time limit covers the handler only. One
middleware instead of one per guard: each aiohttp middleware is another coroutine per request.
"""

import asyncio
import logging
import math

from aiohttp import web
from aiohttp.typedefs import Handler

from infrastructure.http.authentication import BearerAuthentication
from infrastructure.http.error_codes import HttpErrorCode
from infrastructure.http.health import HEALTH_PATH, READY_PATH
from infrastructure.http.json_response import error_response
from infrastructure.http.limits import HttpLimits, RateLimit
from infrastructure.http.rate_limiter import TokenBuckets
from infrastructure.http.request_deadlines import RequestDeadlines
from infrastructure.logging import correlation_id

# Liveness and readiness must answer a load balancer or an orchestrator even when clients are
# throttled or the server is busy: they are never limited (their checks have their own timeout).
UNLIMITED_PATHS = frozenset({HEALTH_PATH, READY_PATH})
# After a 503 for too many requests in progress, a second is long enough for most to finish.
BUSY_RETRY_AFTER_SECONDS = 1

_logger = logging.getLogger(__name__)


class HttpGuards:
    """Runs a handler within the limits of `limits` (see the module's docstring)."""

    def __init__(
        self, limits: HttpLimits, authentication: BearerAuthentication | None = None
    ) -> None:
        self._authentication = authentication
        self._rate_limit = limits.rate_limit
        self._buckets = (
            None
            if limits.rate_limit is None
            else TokenBuckets(limits.rate_limit.per_second, limits.rate_limit.burst)
        )
        self._max_requests = limits.max_concurrent_requests
        self._deadlines = RequestDeadlines(limits.request_timeout_seconds)
        self._in_progress = 0

    async def __call__(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in UNLIMITED_PATHS:
            return await self._within_time(request, handler)
        if self._buckets is not None and self._rate_limit is not None:
            wait = self._buckets.take(request.remote or "unknown")
            if wait > 0:
                return _rate_limited(self._rate_limit, wait)
        # Before the body is read and before a slot is taken: no token, no cost.
        if self._authentication is not None and self._authentication.protects(request):
            refused = await self._authentication(request)
            if refused is not None:
                return refused
        if self._in_progress >= self._max_requests:
            return _busy(self._max_requests)
        # Refused at once rather than queued: a queue would only add latency to every request
        # and hold memory, while the client (or its load balancer) can try again or elsewhere.
        self._in_progress += 1
        try:
            return await self._within_time(request, handler)
        finally:
            self._in_progress -= 1

    async def _within_time(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """HTTP 504 REQUEST_TIMEOUT when a request (reading its body included) takes too long.

        The work is cancelled; a write cancelled midway may still have been applied, which the
        message says (in the words of the APIs this serves), so that a client checks before
        repeating it.
        """
        task: asyncio.Task[object] | None = asyncio.current_task()
        if task is None:  # pragma: no cover (aiohttp runs every handler in a task)
            return await handler(request)
        cancelling = task.cancelling()
        token = object()
        self._deadlines.start(token, task)
        expired = False
        try:
            return await handler(request)
        except asyncio.CancelledError:
            expired = self._deadlines.finish(token)
            # As asyncio.timeout does: a cancellation of anyone else's goes on.
            if not expired or task.uncancel() > cancelling:
                raise
        finally:
            if not expired and self._deadlines.finish(token):
                task.uncancel()  # out of time, but the handler answered all the same
        seconds = self._deadlines.seconds
        cid = correlation_id.get() or "unknown"
        _logger.warning("request timed out", extra={"timeout_seconds": seconds})
        return error_response(
            HttpErrorCode.REQUEST_TIMEOUT,
            f"The request did not complete within {seconds:g} s and was cancelled; a mutation "
            f"may have been applied nonetheless (correlation id: {cid})",
            status=504,
            extensions={"correlationId": cid},
        )


def _rate_limited(limit: RateLimit, wait: float) -> web.Response:
    """HTTP 429 RATE_LIMITED with `Retry-After` once a client (by its address) is out of
    tokens."""
    retry_after = max(1, math.ceil(wait))
    return error_response(
        HttpErrorCode.RATE_LIMITED,
        f"Too many requests: the limit is {limit.per_second:g} per second per client "
        f"(bursts of {limit.burst}); retry after {retry_after} s",
        status=429,
        extensions={"retryAfter": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def _busy(max_requests: int) -> web.Response:
    """HTTP 503 SERVER_BUSY with `Retry-After` while `max_requests` requests are in progress."""
    return error_response(
        HttpErrorCode.SERVER_BUSY,
        f"The server is busy: {max_requests} requests are in progress; "
        f"retry after {BUSY_RETRY_AFTER_SECONDS} s",
        status=503,
        extensions={"retryAfter": BUSY_RETRY_AFTER_SECONDS},
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )
