"""The DynamoDB journal's items carry the trace context of the request being served (the
middleware's contextvar), a transaction's every item too; with export on, an append is a span."""

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.trace import SpanKind

from domain.user_account import NotCreated, UserAccountId
from infrastructure.tracing.spans import span
from infrastructure.tracing.trace_context import RequestTrace, request_trace
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.journal_item import persistence_id
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.event_store_contract import History, append
from tests.support.moto_server import DynamoDbTables
from tests.support.spans import CALLER_TRACEPARENT, RecordedSpans, recorded_spans

pytestmark = pytest.mark.integration

__all__ = ["recorded_spans"]


@pytest.fixture
def repository(dynamodb: Any, dynamodb_tables: DynamoDbTables) -> DynamoDbUserAccountRepository:
    return DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=100,
        data_keys=InMemoryDataKeys(),
    )


@pytest.fixture
def serving() -> Iterator[RequestTrace]:
    """A request being served, as the middleware sets it."""
    trace = RequestTrace("cid-request", CALLER_TRACEPARENT)
    token = request_trace.set(trace)
    try:
        yield trace
    finally:
        request_trace.reset(token)


async def items_of(dynamodb: Any, table: str, aggregate_id: UserAccountId) -> list[dict[str, Any]]:
    response = await dynamodb.query(
        TableName=table,
        KeyConditionExpression="pkey = :pkey",
        ExpressionAttributeValues={":pkey": {"S": persistence_id(aggregate_id)}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = response["Items"]
    return items


async def test_every_item_of_an_append_carries_the_requests_trace_context(
    repository: DynamoDbUserAccountRepository,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    serving: RequestTrace,
) -> None:
    history = History()
    state = await append(repository, NotCreated(history.id), [history.created()])
    state = await append(repository, state, history.after(state, 3))  # one transaction

    items = await items_of(dynamodb, dynamodb_tables.journal, history.id)

    assert len(items) == 4
    for item in items:
        assert item["correlation_id"] == {"S": "cid-request"}
        assert item["traceparent"] == {"S": serving.traceparent}
    assert (await repository.load(history.id)).version == 4


async def test_items_written_outside_a_request_carry_none_and_load_alike(
    repository: DynamoDbUserAccountRepository, dynamodb: Any, dynamodb_tables: DynamoDbTables
) -> None:
    history = History()
    state = await append(repository, NotCreated(history.id), [history.created()])

    [item] = await items_of(dynamodb, dynamodb_tables.journal, history.id)

    assert "correlation_id" not in item
    assert "traceparent" not in item
    assert await repository.load(history.id) == state


async def test_with_export_on_an_append_is_a_client_span_of_the_request(
    repository: DynamoDbUserAccountRepository,
    dynamodb_tables: DynamoDbTables,
    recorded_spans: RecordedSpans,
) -> None:
    history = History()
    with span("request") as request:
        state = await append(repository, NotCreated(history.id), [history.created()])
        await append(repository, state, history.after(state, 2))

    put, transaction = (
        recorded_spans.named(f"PutItem {dynamodb_tables.journal}"),
        recorded_spans.named(f"TransactWriteItems {dynamodb_tables.journal}"),
    )
    assert request is not None
    for append_span in (put, transaction):
        assert append_span.kind is SpanKind.CLIENT
        assert append_span.parent is not None
        assert append_span.parent.span_id == request.get_span_context().span_id
    assert transaction.attributes is not None
    assert transaction.attributes["db.operation.batch.size"] == 2
