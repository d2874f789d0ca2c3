"""The trace context of a request: a caller's valid W3C traceparent continued (same trace, the
request's own span id), else a new trace; OpenTelemetry's propagator parses and formats it."""

import os
import random
from contextvars import ContextVar
from typing import Final

from opentelemetry.context import Context
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT_HEADER: Final = "traceparent"

_propagator = TraceContextTextMapPropagator()


class _SpanIds:
    """Random trace and span ids (never all zeros, which W3C calls invalid) from a generator
    seeded once per process and again in a forked child; the ids are no secret."""

    def __init__(self) -> None:
        self._random = random.Random()
        os.register_at_fork(after_in_child=self._random.seed)

    def trace_id(self) -> int:
        return self._random.getrandbits(128) or 1

    def span_id(self) -> int:
        return self._random.getrandbits(64) or 1


_ids = _SpanIds()


def span_context_of(traceparent: str | None) -> SpanContext | None:
    """The span context a traceparent value names; None when it is missing or invalid."""
    if not traceparent:
        return None
    context = _propagator.extract({TRACEPARENT_HEADER: traceparent})
    span_context = get_current_span(context).get_span_context()
    return span_context if span_context.is_valid else None


def traceparent_of(span_context: SpanContext) -> str:
    """The traceparent value of `span_context` (which must be valid)."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, set_span_in_context(NonRecordingSpan(span_context)))
    return carrier[TRACEPARENT_HEADER]


def continued(incoming: str | None) -> SpanContext:
    """The span context of a request that received `incoming`: its trace and flags with a new
    span id when it is valid, else a new trace (not sampled: nothing records it)."""
    parent = span_context_of(incoming)
    if parent is None:
        return SpanContext(_ids.trace_id(), _ids.span_id(), False, TraceFlags(TraceFlags.DEFAULT))
    return SpanContext(parent.trace_id, _ids.span_id(), False, parent.trace_flags)


class RequestTrace:
    """The correlation id and traceparent of the request being served. The traceparent is
    worked out when first asked for (only writes need it), from the span the request runs in
    when OpenTelemetry records one, else from the caller's header."""

    __slots__ = ("_incoming", "_span_context", "_traceparent", "correlation_id")

    def __init__(
        self,
        correlation_id: str,
        incoming_traceparent: str | None,
        span_context: SpanContext | None = None,
    ) -> None:
        self.correlation_id = correlation_id
        self._incoming = incoming_traceparent
        self._span_context = span_context
        self._traceparent: str | None = None

    @property
    def span_context(self) -> SpanContext:
        if self._span_context is None or not self._span_context.is_valid:
            self._span_context = continued(self._incoming)
        return self._span_context

    @property
    def traceparent(self) -> str:
        if self._traceparent is None:
            self._traceparent = traceparent_of(self.span_context)
        return self._traceparent


# Set by the HTTP middleware for each request; read where journal items are built.
request_trace: ContextVar[RequestTrace | None] = ContextVar("request_trace", default=None)


def parent_context(incoming: str | None) -> Context | None:
    """The OpenTelemetry context a request's span continues: the caller's span when
    `incoming` is valid, else None (a new trace)."""
    if span_context_of(incoming) is None:
        return None
    return _propagator.extract({TRACEPARENT_HEADER: incoming or ""})
