"""Spans recorded in memory: the SDK's TracerProvider with an InMemorySpanExporter, made the
tracer of infrastructure.tracing for one test (off again afterwards)."""

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from infrastructure.tracing.spans import use_tracer_provider
from infrastructure.tracing.trace_context import traceparent_of

# A caller's traceparent (the W3C specification's example).
CALLER_TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
CALLER_SPAN_ID = 0xB7AD6B7169203331
CALLER_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


class RecordedSpans:
    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    def finished(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> ReadableSpan:
        [found] = [span for span in self.finished() if span.name == name]
        return found


def traceparent_of_span(span: ReadableSpan) -> str:
    assert span.context is not None
    return traceparent_of(span.context)


@pytest.fixture
def recorded_spans() -> Iterator[RecordedSpans]:
    spans = RecordedSpans()
    use_tracer_provider(spans.provider)
    try:
        yield spans
    finally:
        use_tracer_provider(None)
        spans.provider.shutdown()
