"""The span of a batch of stream records processed, when export is on: messaging semantic
conventions, a link to the span that wrote each record (its traceparent)."""

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind
from opentelemetry.util.types import AttributeValue

from infrastructure.tracing.spans import span, tracing_on
from infrastructure.tracing.trace_context import span_context_of

MESSAGING_SYSTEM = "aws_dynamodb_streams"
_NO_SPAN: AbstractContextManager[None] = nullcontext()


def batch_span(
    stream_arn: str | None,
    shard_id: str | None,
    traceparents: Iterable[str | None],
    records: int,
) -> AbstractContextManager[Span | None]:
    """The span of processing `records` records of a shard, linked to the span context of
    every valid traceparent among `traceparents` (one per record; read only when export is
    on). A root span: a batch belongs to no one request."""
    if not tracing_on():
        return _NO_SPAN
    links = [
        Link(context)
        for traceparent in traceparents
        if (context := span_context_of(traceparent)) is not None
    ]
    attributes: dict[str, AttributeValue] = {
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.batch.message_count": records,
    }
    if stream_arn is not None:
        attributes["messaging.destination.name"] = stream_arn
    if shard_id is not None:
        attributes["messaging.destination.partition.id"] = shard_id
    name = f"process {stream_arn or 'stream'}"
    return span(name, SpanKind.CONSUMER, attributes, links, context=Context())
