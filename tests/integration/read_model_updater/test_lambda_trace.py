"""The Lambda handler's lines carry the invocation's aws_request_id, and those about a record
the trace context of the request that wrote it."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from apps.read_model_updater import lambda_handler
from infrastructure.logging import JsonFormatter
from infrastructure.tracing.trace_context import RequestTrace
from tests.support.moto_server import DynamoDbTables
from tests.support.spans import CALLER_TRACEPARENT
from tests.support.stream_events import load_fixture

pytestmark = pytest.mark.integration

Pool = "asyncpg.Pool[asyncpg.Record]"


@dataclass
class LambdaContext:
    """What the handler reads of Lambda's context object."""

    aws_request_id: str


class Lines(logging.Handler):
    """Every record as the JSON line the deployed function writes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.entries: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.entries.append(json.loads(self.format(record)))


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("interface_adapter.stream")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@pytest.fixture
async def handler_env(
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
    moto_endpoint: str,
    dynamodb_tables: DynamoDbTables,
    clean_postgres: Pool,
) -> AsyncIterator[None]:
    for name, value in {
        "DATABASE_URL": postgres_url,
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
        "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
    }.items():
        monkeypatch.setenv(name, value)
    await asyncio.to_thread(lambda_handler.close_runtime)
    yield
    await asyncio.to_thread(lambda_handler.close_runtime)


@pytest.mark.usefixtures("handler_env")
async def test_lines_carry_the_request_id_and_a_records_trace_context(lines: Lines) -> None:
    records = load_fixture("batch_with_undecodable_record.json")["Records"]
    d1, d2_corrupt = records[0], records[1]
    written_by = {}
    for name, record in (("d1", d1), ("d2", d2_corrupt)):
        trace = RequestTrace(f"cid-{name}", CALLER_TRACEPARENT)
        record["dynamodb"]["NewImage"]["correlation_id"] = {"S": trace.correlation_id}
        record["dynamodb"]["NewImage"]["traceparent"] = {"S": trace.traceparent}
        written_by[record["dynamodb"]["SequenceNumber"]] = (trace.correlation_id, trace.traceparent)

    await asyncio.to_thread(
        lambda_handler.handler, {"Records": records}, LambdaContext("request-42")
    )

    assert lines.entries
    assert {entry.get("aws_request_id") for entry in lines.entries} == {"request-42"}
    not_applied = {
        entry["sequence_number"]: (entry.get("correlation_id"), entry.get("traceparent"))
        for entry in lines.entries
        if entry["message"] == "stream record not applied"
    }
    d2_number = d2_corrupt["dynamodb"]["SequenceNumber"]
    assert not_applied[d2_number] == written_by[d2_number]
    applied = {
        entry["sequence_number"]: entry.get("correlation_id")
        for entry in lines.entries
        if entry["message"] == "stream record applied"
    }
    assert applied[d1["dynamodb"]["SequenceNumber"]] == "cid-d1"


@pytest.mark.usefixtures("handler_env")
async def test_lines_outside_an_invocation_carry_no_request_id(lines: Lines) -> None:
    await asyncio.to_thread(
        lambda_handler.handler, load_fixture("insert_batch.json"), LambdaContext("request-43")
    )
    logging.getLogger("interface_adapter.stream.after").info("after the invocation")

    assert lines.entries[-1]["message"] == "after the invocation"
    assert "aws_request_id" not in lines.entries[-1]
