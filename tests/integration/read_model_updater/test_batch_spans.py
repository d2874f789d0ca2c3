"""With export on, an updater batch is a span linked to the spans that wrote its records, and
the PostgreSQL calls it makes (asyncpg's instrumentation) are its children."""

import asyncio
from collections.abc import Iterator

import pytest
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.trace import SpanKind

from infrastructure.stream_consumer import PostgresCheckpointStore, ProgressLog, ShardBatchRunner
from infrastructure.tracing.trace_context import RequestTrace, span_context_of
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.spans import CALLER_TRACEPARENT, RecordedSpans, recorded_spans
from tests.support.stream_batches import d_e_f_batch
from tests.unit.stream_consumer.test_shard_batch_runner import OPTIONS, SHARD
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.integration

__all__ = ["recorded_spans"]

Pool = "asyncpg.Pool[asyncpg.Record]"


@pytest.fixture
def postgres_spans(recorded_spans: RecordedSpans) -> Iterator[RecordedSpans]:
    """asyncpg's calls made spans of the recording provider, for this test only."""
    instrumentor = AsyncPGInstrumentor()
    instrumentor.instrument(tracer_provider=recorded_spans.provider)
    try:
        yield recorded_spans
    finally:
        instrumentor.uninstrument()


async def test_a_batch_span_links_its_records_and_holds_its_postgresql_calls(
    clean_postgres: Pool, postgres_spans: RecordedSpans
) -> None:
    batch, _ = await d_e_f_batch()
    traces = []
    for index, record in enumerate(batch.records):
        trace = RequestTrace(f"cid-{index}", CALLER_TRACEPARENT)
        record["dynamodb"]["NewImage"]["correlation_id"] = {"S": trace.correlation_id}
        record["dynamodb"]["NewImage"]["traceparent"] = {"S": trace.traceparent}
        traces.append(trace)
    read_model = PostgresUserAccountReadModel(clean_postgres)
    handler = UserAccountStreamHandler(
        ProjectUserAccountEvents(read_model, batch.journal), batch.keys
    )
    store = PostgresCheckpointStore(clean_postgres)

    await ShardBatchRunner(handler, store, OPTIONS, ProgressLog())(
        SHARD, batch.records, asyncio.Event()
    )

    spans = postgres_spans.finished()
    [batch_span] = [span for span in spans if span.kind is SpanKind.CONSUMER]
    assert [link.context for link in batch_span.links] == [
        span_context_of(trace.traceparent) for trace in traces
    ]
    assert batch_span.context is not None
    postgres = [
        span
        for span in spans
        if span.attributes is not None and span.attributes.get("db.system") == "postgresql"
    ]
    assert postgres, [span.name for span in spans]
    assert {span.parent.span_id for span in postgres if span.parent is not None} == {
        batch_span.context.span_id
    }
    assert all(span.parent is not None for span in postgres)
