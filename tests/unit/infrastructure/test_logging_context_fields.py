"""Fields set for a context (a Lambda invocation's aws_request_id) are on every line logged in
it, JSON or console, and on no line outside it; a record's own field of the name wins."""

import json
import logging
from collections.abc import Iterator

import pytest

from infrastructure.logging import ConsoleFormatter, JsonFormatter, context_fields

pytestmark = pytest.mark.unit


def record(**fields: str) -> logging.LogRecord:
    return logging.makeLogRecord({"name": "t", "levelname": "INFO", "msg": "m", **fields})


@pytest.fixture
def in_an_invocation() -> Iterator[None]:
    token = context_fields.set({"aws_request_id": "request-1"})
    try:
        yield
    finally:
        context_fields.reset(token)


@pytest.mark.usefixtures("in_an_invocation")
def test_lines_in_the_context_carry_its_fields() -> None:
    line = json.loads(JsonFormatter().format(record(sequence_number="7")))

    assert (line["aws_request_id"], line["sequence_number"]) == ("request-1", "7")
    assert "aws_request_id=request-1" in ConsoleFormatter().format(record())


@pytest.mark.usefixtures("in_an_invocation")
def test_a_records_own_field_replaces_the_contexts() -> None:
    line = json.loads(JsonFormatter().format(record(aws_request_id="mine")))

    assert line["aws_request_id"] == "mine"


def test_lines_outside_carry_none() -> None:
    assert "aws_request_id" not in json.loads(JsonFormatter().format(record()))
