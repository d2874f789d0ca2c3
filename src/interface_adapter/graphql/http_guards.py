"""Middlewares that keep a server serving: a per-client rate limit, a cap on the requests in
progress, and a time limit per request. Each answers with a GraphQL-shaped error."""

import asyncio
import logging
import math

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from infrastructure.logging import correlation_id
from interface_adapter.graphql.error_codes import ErrorCode
from interface_adapter.graphql.json_response import error_response
from interface_adapter.graphql.rate_limiter import TokenBuckets
from interface_adapter.graphql.service_limits import RateLimit

# Liveness and readiness must answer a load balancer or an orchestrator even when clients are
# throttled or the server is busy: they are never limited (their checks have their own timeout).
UNLIMITED_PATHS = frozenset({"/api/health", "/api/health/ready"})
# After a 503 for too many requests in progress, a second is long enough for most to finish.
BUSY_RETRY_AFTER_SECONDS = 1

_logger = logging.getLogger(__name__)


def rate_limit_middleware(limit: RateLimit) -> Middleware:
    """HTTP 429 RATE_LIMITED with `Retry-After` once a client (by its address) is out of tokens."""
    buckets = TokenBuckets(limit.per_second, limit.burst)

    @web.middleware
    async def limit_rate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in UNLIMITED_PATHS:
            return await handler(request)
        wait = buckets.take(request.remote or "unknown")
        if wait <= 0:
            return await handler(request)
        retry_after = max(1, math.ceil(wait))
        return error_response(
            ErrorCode.RATE_LIMITED,
            f"Too many requests: the limit is {limit.per_second:g} per second per client "
            f"(bursts of {limit.burst}); retry after {retry_after} s",
            status=429,
            extensions={"retryAfter": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    return limit_rate


def concurrency_middleware(max_requests: int) -> Middleware:
    """HTTP 503 SERVER_BUSY with `Retry-After` while `max_requests` requests are in progress.

    Refused at once rather than queued: a queue would only add latency to every request and
    hold memory, while the client (or its load balancer) can try again or elsewhere.
    """
    in_progress = 0

    @web.middleware
    async def limit_concurrency(request: web.Request, handler: Handler) -> web.StreamResponse:
        nonlocal in_progress
        if request.path in UNLIMITED_PATHS:
            return await handler(request)
        if in_progress >= max_requests:
            return error_response(
                ErrorCode.SERVER_BUSY,
                f"The server is busy: {max_requests} requests are in progress; "
                f"retry after {BUSY_RETRY_AFTER_SECONDS} s",
                status=503,
                extensions={"retryAfter": BUSY_RETRY_AFTER_SECONDS},
                headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
            )
        in_progress += 1
        try:
            return await handler(request)
        finally:
            in_progress -= 1

    return limit_concurrency


def timeout_middleware(seconds: float) -> Middleware:
    """HTTP 504 REQUEST_TIMEOUT when a request (reading its body included) takes too long.

    The work is cancelled; a mutation cancelled while its events were being written may still
    have been applied, which the message says, so that a client checks before repeating it.
    """

    @web.middleware
    async def limit_time(request: web.Request, handler: Handler) -> web.StreamResponse:
        deadline = asyncio.timeout(seconds)
        try:
            async with deadline:
                return await handler(request)
        except TimeoutError:
            if not deadline.expired():
                raise  # a timeout of the handler's own, not the request's: a failure
        cid = correlation_id.get() or "unknown"
        _logger.warning("request timed out", extra={"timeout_seconds": seconds})
        return error_response(
            ErrorCode.REQUEST_TIMEOUT,
            f"The request did not complete within {seconds:g} s and was cancelled; a mutation "
            f"may have been applied nonetheless (correlation id: {cid})",
            status=504,
            extensions={"correlationId": cid},
        )

    return limit_time
