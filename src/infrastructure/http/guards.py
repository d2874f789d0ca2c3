"""HttpGuards: what keeps a server serving (a rate limit per client, time limits on the body and on
the request, a cap on the requests in progress), each refusal in the services' JSON error shape."""

import logging
import math

from aiohttp import web
from aiohttp.typedefs import Handler

from infrastructure.http.authentication import BearerAuthentication
from infrastructure.http.body import BodyReceiver
from infrastructure.http.error_codes import HttpErrorCode
from infrastructure.http.health import HEALTH_PATH, READY_PATH
from infrastructure.http.json_response import error_response
from infrastructure.http.limits import HttpLimits, RateLimit
from infrastructure.http.metrics_route import METRICS_PATH
from infrastructure.http.rate_limiter import TokenBuckets
from infrastructure.http.request_deadlines import RequestDeadlines
from infrastructure.logging import correlation_id

# Liveness and readiness must answer a load balancer or an orchestrator even when clients are
# throttled or the server is busy, and the metrics their scraper: they are never limited (their
# checks have their own timeout).
UNLIMITED_PATHS = frozenset({HEALTH_PATH, READY_PATH, METRICS_PATH})
# After a 503 for too many requests in progress, a second is long enough for most to finish.
BUSY_RETRY_AFTER_SECONDS = 1

_logger = logging.getLogger(__name__)


class HttpGuards:
    """Runs a handler within the limits of `limits`.

    Inside the one request middleware (middleware.py, which sets the correlation id first), in
    this order: the rate limit; then (where a service has it) authentication, before any of the
    body is read; the body, within its time; a slot of the requests in progress; the handler. So
    a throttled client, or one still sending its body, costs no slot. The request's time limit
    counts from the body on: a body that trickles in is cut by whichever limit ends first. One
    middleware instead of one per guard: each aiohttp middleware is another coroutine per
    request.
    """

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
        self._bodies = BodyReceiver(limits.max_body_bytes, limits.request_body_timeout_seconds)
        self._max_requests = limits.max_concurrent_requests
        self._deadlines = RequestDeadlines(limits.request_timeout_seconds)
        self._in_progress = 0

    async def __call__(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in UNLIMITED_PATHS:
            return await self._deadlines.run(handler(request), self._timed_out)
        if self._buckets is not None and self._rate_limit is not None:
            wait = self._buckets.take(request.remote or "unknown")
            if wait > 0:
                return _rate_limited(self._rate_limit, wait)
        # Before the body is read and before a slot is taken: no token, no cost.
        if self._authentication is not None and self._authentication.protects(request):
            refused = await self._authentication(request)
            if refused is not None:
                return refused
        return await self._deadlines.run(self._admitted(request, handler), self._timed_out)

    async def _admitted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The handler's answer once the body is in and a slot is free; else the refusal."""
        refused = await self._bodies.receive(request)
        if refused is not None:
            return refused
        if self._in_progress >= self._max_requests:
            return _busy(self._max_requests)
        # Refused at once rather than queued: a queue would only add latency to every request
        # and hold memory, while the client (or its load balancer) can try again or elsewhere.
        self._in_progress += 1
        try:
            return await handler(request)
        finally:
            self._in_progress -= 1

    def _timed_out(self) -> web.Response:
        """HTTP 504 REQUEST_TIMEOUT when a request (receiving its body included) takes too long.

        The work is cancelled; a write cancelled midway may still have been applied, which the
        message says (in the words of the APIs this serves), so that a client checks before
        repeating it.
        """
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
