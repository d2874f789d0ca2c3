"""The one middleware of a service: per request a correlation id and trace context, the limits
of the guards, one structured log line, its metrics, and no stack trace to the client."""

import logging
import os
import random
import re
import time

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from infrastructure.http.authentication import BearerAuthentication
from infrastructure.http.connections import answer_and_close
from infrastructure.http.error_codes import HttpErrorCode, internal_error_message
from infrastructure.http.guards import HttpGuards
from infrastructure.http.json_response import ERROR_CODE, error_response
from infrastructure.http.limits import HttpLimits
from infrastructure.http.metrics import NO_CODE, UNMATCHED_ROUTE, HttpMetrics
from infrastructure.http.protocol_errors import log_protocol_errors_without_request_text
from infrastructure.logging import InfoLines, correlation_id
from infrastructure.tracing.request_spans import record_status, server_span
from infrastructure.tracing.trace_context import TRACEPARENT_HEADER, RequestTrace, request_trace

CORRELATION_ID_HEADER = "X-Correlation-ID"
_INCOMING_HEADERS = (CORRELATION_ID_HEADER, "X-Request-ID")
# Taken from the caller only when it cannot corrupt a log line or a header.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

ACCESS_LOGGER = "infrastructure.http.access"

_access_log = InfoLines(ACCESS_LOGGER, "request")
_error_logger = logging.getLogger(__name__)


class CorrelationIds:
    """New correlation ids: 128 random bits as 32 hex digits, from a generator the system seeds
    once per process (and again in a forked child), where uuid4 asks the system for randomness
    on every request. Not a counter, which would tell callers how busy the server is; not for
    secrets either (an id is sent back to the caller anyway)."""

    def __init__(self) -> None:
        self._random = random.Random()
        os.register_at_fork(after_in_child=self._random.seed)

    def new(self) -> str:
        return f"{self._random.getrandbits(128):032x}"


_correlation_ids = CorrelationIds()


def _incoming_id(request: web.Request) -> str | None:
    for header in _INCOMING_HEADERS:
        value = request.headers.get(header)
        if value is not None and _SANE_ID.fullmatch(value):
            return value
    return None


def route_of(request: web.Request) -> str:
    """The template of the route that serves `request` (`/api/items/{id}`), never its raw path."""
    resource = request.match_info.route.resource
    return UNMATCHED_ROUTE if resource is None else resource.canonical


def error_code_of(response: web.StreamResponse) -> str:
    # Most answers carry no state at all: no lookup that raises and catches a KeyError.
    return response.get(ERROR_CODE, NO_CODE) if len(response) else NO_CODE


def request_middleware(
    limits: HttpLimits,
    authentication: BearerAuthentication | None = None,
    metrics: HttpMetrics | None = None,
) -> Middleware:
    """Every answer, refusals by the guards included, gets its correlation id and log line, and
    is counted in `metrics` (none: nothing counted); what aiohttp logs of a malformed request
    quotes nothing the client sent (protocol_errors)."""
    log_protocol_errors_without_request_text()
    guards = HttpGuards(limits, authentication)

    @web.middleware
    async def serve_request(request: web.Request, handler: Handler) -> web.StreamResponse:
        cid = _incoming_id(request) or _correlation_ids.new()
        incoming_traceparent = request.headers.get(TRACEPARENT_HEADER)
        route = route_of(request)
        with server_span(request.method, route, request.path, incoming_traceparent) as span:
            trace = RequestTrace(
                cid, incoming_traceparent, None if span is None else span.get_span_context()
            )
            token = correlation_id.set(cid)
            trace_token = request_trace.set(trace)
            started = time.perf_counter()
            status = 500
            code = NO_CODE
            try:
                try:
                    response = await guards(request, handler)
                except web.HTTPException as http_error:
                    status = http_error.status
                    http_error.headers[CORRELATION_ID_HEADER] = cid
                    raise
                except Exception:
                    _error_logger.exception("unhandled error while serving a request")
                    response = error_response(
                        HttpErrorCode.INTERNAL_ERROR, internal_error_message(cid), 500
                    )
                status = response.status
                code = error_code_of(response)
                response.headers[CORRELATION_ID_HEADER] = cid
                if response.keep_alive is False:
                    # An answer that closes its connection (408 BODY_TIMEOUT): at once, without
                    # reading on.
                    await answer_and_close(request, response)
                return response
            finally:
                seconds = time.perf_counter() - started
                if metrics is not None:
                    metrics.observe(route, status, code, seconds)
                record_status(span, status)
                _access_log(
                    {
                        "method": request.method,
                        "path": request.path,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                    }
                )
                request_trace.reset(trace_token)
                correlation_id.reset(token)

    return serve_request
