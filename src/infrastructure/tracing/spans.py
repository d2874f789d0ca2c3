"""Spans where OpenTelemetry export is on, nothing where it is off: one module-level tracer,
None by default, so that the code that makes spans costs a None check when export is off."""

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext

from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Tracer, TracerProvider
from opentelemetry.util.types import AttributeValue

INSTRUMENTATION_NAME = "pcqrses"

_tracer: Tracer | None = None
_NO_SPAN: AbstractContextManager[None] = nullcontext()


def use_tracer_provider(provider: TracerProvider | None) -> None:
    """Make spans with `provider` from now on (None: make none). Set at a process's start
    (infrastructure.tracing.export) or by a test."""
    global _tracer
    _tracer = None if provider is None else provider.get_tracer(INSTRUMENTATION_NAME)


def tracing_on() -> bool:
    return _tracer is not None


def span(
    name: str,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, AttributeValue] | None = None,
    links: Sequence[Link] = (),
    context: Context | None = None,
) -> AbstractContextManager[Span | None]:
    """A span named `name`, current inside the block (None when export is off). An exception
    leaving the block is recorded on it and sets its status to error."""
    tracer = _tracer
    if tracer is None:
        return _NO_SPAN
    return tracer.start_as_current_span(
        name, context=context, kind=kind, attributes=attributes, links=links
    )
