"""The updater's lines about a record (applied, retried, parked) and its dead letters carry the
trace context of the request that wrote the record; with export on, a batch is a span linked to
the span of every record it applies."""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from opentelemetry.trace import SpanKind

from infrastructure.stream_consumer import (
    BatchOutcome,
    ProgressLog,
    ShardBatchRunner,
    StreamRecordHandler,
)
from infrastructure.tracing.spans import span
from infrastructure.tracing.trace_context import RequestTrace, span_context_of
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.spans import CALLER_TRACEPARENT, RecordedSpans, recorded_spans
from tests.support.stream_batches import Batch, d_e_f_batch
from tests.unit.stream_consumer.test_shard_batch_runner import OPTIONS, SHARD
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

__all__ = ["recorded_spans"]

CONSUMER_LOGGER = "infrastructure.stream_consumer"


def traced(batch: Batch, *indexes: int) -> dict[str, RequestTrace]:
    """The records at `indexes` as a request writes them (with its trace attributes), each of
    another request; by sequence number."""
    traces = {}
    for index in indexes:
        record = batch.records[index]
        trace = RequestTrace(f"cid-{index}", CALLER_TRACEPARENT)
        record["dynamodb"]["NewImage"]["correlation_id"] = {"S": trace.correlation_id}
        record["dynamodb"]["NewImage"]["traceparent"] = {"S": trace.traceparent}
        traces[record["dynamodb"]["SequenceNumber"]] = trace
    return traces


def handler_of(batch: Batch) -> UserAccountStreamHandler:
    read_model = InMemoryUserAccountReadModel()
    return UserAccountStreamHandler(ProjectUserAccountEvents(read_model, batch.journal), batch.keys)


async def run(
    handler: StreamRecordHandler, records: Sequence[Mapping[str, Any]]
) -> InMemoryCheckpointStore:
    store = InMemoryCheckpointStore()
    await ShardBatchRunner(handler, store, OPTIONS, ProgressLog())(SHARD, records, asyncio.Event())
    return store


def lines(caplog: pytest.LogCaptureFixture, message: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.getMessage() == message]


def trace_of(line: logging.LogRecord) -> tuple[str | None, str | None]:
    return line.__dict__.get("correlation_id"), line.__dict__.get("traceparent")


def number_of(line: logging.LogRecord) -> str:
    number: str = line.__dict__["sequence_number"]
    return number


async def test_a_parked_record_and_its_dead_letter_carry_its_trace_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch, _ = await d_e_f_batch()
    traces = traced(batch, 0, 1, 2, 3)  # F1 (4) carries none: an item of before
    batch.corrupt(1)  # D2; D3 is held back behind it and parked with it
    caplog.set_level(logging.DEBUG, CONSUMER_LOGGER)

    store = await run(handler_of(batch), batch.records)

    letters = {letter.sequence_number: letter for letter in store.dead_letters.values()}
    assert set(letters) == set(batch.sequence_numbers(1, 3))
    for number, letter in letters.items():
        assert (letter.correlation_id, letter.traceparent) == (
            traces[number].correlation_id,
            traces[number].traceparent,
        )
    parked = {number_of(line): trace_of(line) for line in lines(caplog, PARKED)}
    assert parked == {
        number: (traces[number].correlation_id, traces[number].traceparent) for number in letters
    }
    [*retries] = lines(caplog, RETRYING)
    assert len(retries) == OPTIONS.max_attempts - 1
    [corrupt] = batch.sequence_numbers(1)
    assert {(number_of(line), trace_of(line)) for line in retries} == {
        (corrupt, (traces[corrupt].correlation_id, traces[corrupt].traceparent))
    }
    applied = {number_of(line): trace_of(line) for line in lines(caplog, APPLIED)}
    applied_numbers = batch.sequence_numbers(0, 2, 4)
    assert set(applied) == set(applied_numbers)
    for number in applied_numbers[:2]:
        assert applied[number] == (traces[number].correlation_id, traces[number].traceparent)
    assert applied[applied_numbers[2]] == (None, None)


async def test_a_record_without_trace_attributes_is_parked_without_them() -> None:
    batch, _ = await d_e_f_batch()
    batch.corrupt(2)

    store = await run(handler_of(batch), batch.records)

    [letter] = store.dead_letters.values()
    assert (letter.correlation_id, letter.traceparent) == (None, None)


class SpanningHandler:
    """Applies nothing, in a span of its own (as a PostgreSQL call would be)."""

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        with span("apply"):
            return BatchOutcome(len(records), 0, 0, 0, [])


async def test_a_batch_span_links_to_the_span_of_every_record_it_applies(
    recorded_spans: RecordedSpans,
) -> None:
    batch, _ = await d_e_f_batch()
    traces = traced(batch, 0, 1, 2)
    batch.records[3]["dynamodb"]["NewImage"]["traceparent"] = {"S": "not a traceparent"}

    await run(SpanningHandler(), batch.records)

    [batch_span] = [s for s in recorded_spans.finished() if s.kind is SpanKind.CONSUMER]
    assert batch_span.name == f"process {SHARD.stream_arn}"
    assert batch_span.parent is None
    linked = [link.context for link in batch_span.links]
    assert linked == [span_context_of(trace.traceparent) for trace in traces.values()]
    assert batch_span.attributes is not None
    assert batch_span.attributes["messaging.batch.message_count"] == len(batch.records)
    assert batch_span.attributes["messaging.operation.type"] == "process"
    assert batch_span.attributes["messaging.destination.partition.id"] == SHARD.shard_id
    apply = recorded_spans.named("apply")
    assert apply.parent is not None
    assert batch_span.context is not None
    assert apply.parent.span_id == batch_span.context.span_id


PARKED = "stream record parked in the dead-letter table"
RETRYING = "stream records failed; retrying"
APPLIED = "stream record applied"
