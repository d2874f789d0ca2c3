"""The middleware gives each request its trace context (and, with export on, its span): what a
handler reads of it, the correlation id answered, the span's parent."""

from collections.abc import Mapping

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from opentelemetry.trace import SpanKind

from infrastructure.http.limits import HttpLimits
from infrastructure.http.middleware import CORRELATION_ID_HEADER, request_middleware
from infrastructure.tracing.journal_spans import journal_append_span
from infrastructure.tracing.trace_context import RequestTrace, request_trace, span_context_of
from tests.support.spans import (
    CALLER_SPAN_ID,
    CALLER_TRACE_ID,
    CALLER_TRACEPARENT,
    RecordedSpans,
    recorded_spans,
    traceparent_of_span,
)

pytestmark = pytest.mark.unit

__all__ = ["recorded_spans"]


async def serve(
    headers: Mapping[str, str], status: int = 200
) -> tuple[RequestTrace, web.StreamResponse]:
    """One POST /api/graphql through the middleware; the trace its handler saw, the answer."""
    seen: list[RequestTrace] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        trace = request_trace.get()
        assert trace is not None
        seen.append(trace)
        with journal_append_span("journal", 1):
            pass
        return web.Response(text="ok", status=status)

    app = web.Application()
    app.router.add_post("/api/graphql", handler)
    request = make_mocked_request("POST", "/api/graphql", headers=dict(headers), app=app)
    # Matched as aiohttp matches a request before its middleware runs (the mocked request's
    # own match has a mock for its route).
    request._match_info = await app.router.resolve(request)
    response = await request_middleware(HttpLimits())(request, handler)
    return seen[0], response


async def test_a_request_continues_the_callers_trace() -> None:
    trace, response = await serve({"traceparent": CALLER_TRACEPARENT})

    context = span_context_of(trace.traceparent)
    assert context is not None
    assert context.trace_id == CALLER_TRACE_ID
    assert context.span_id != CALLER_SPAN_ID
    assert trace.correlation_id == response.headers[CORRELATION_ID_HEADER]
    assert request_trace.get() is None


async def test_a_request_without_a_valid_traceparent_starts_a_trace() -> None:
    trace, _ = await serve({"traceparent": "00-not-a-trace-01"})

    context = span_context_of(trace.traceparent)
    assert context is not None
    assert context.trace_id != CALLER_TRACE_ID


async def test_the_callers_correlation_id_is_kept_beside_the_trace() -> None:
    trace, response = await serve(
        {"traceparent": CALLER_TRACEPARENT, CORRELATION_ID_HEADER: "caller-id-1"}
    )

    assert trace.correlation_id == "caller-id-1" == response.headers[CORRELATION_ID_HEADER]


async def test_with_export_on_the_request_is_a_server_span_child_of_the_callers(
    recorded_spans: RecordedSpans,
) -> None:
    trace, _ = await serve({"traceparent": CALLER_TRACEPARENT}, status=503)

    request_span = recorded_spans.named("POST /api/graphql")
    assert request_span.kind is SpanKind.SERVER
    assert request_span.parent is not None
    assert request_span.parent.is_remote
    assert (request_span.parent.trace_id, request_span.parent.span_id) == (
        CALLER_TRACE_ID,
        CALLER_SPAN_ID,
    )
    # What the journal items get is the request's span.
    assert trace.traceparent == traceparent_of_span(request_span)
    assert request_span.attributes is not None
    assert request_span.attributes["http.response.status_code"] == 503
    assert not request_span.status.is_ok
    append = recorded_spans.named("PutItem journal")
    assert append.kind is SpanKind.CLIENT
    assert append.parent is not None
    assert request_span.context is not None
    assert append.parent.span_id == request_span.context.span_id


async def test_with_export_on_a_request_without_a_traceparent_is_a_root_span(
    recorded_spans: RecordedSpans,
) -> None:
    trace, _ = await serve({})

    request_span = recorded_spans.named("POST /api/graphql")
    assert request_span.parent is None
    assert trace.traceparent == traceparent_of_span(request_span)


async def test_with_export_off_no_span_is_recorded() -> None:
    spans = RecordedSpans()  # a provider that is not the tracer's

    await serve({"traceparent": CALLER_TRACEPARENT})

    assert spans.finished() == []
