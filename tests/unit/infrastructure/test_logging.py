"""Structured log lines: the time as datetime writes it, and batched writes in a server's loop."""

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.logging import JsonFormatter, LoopBatchedStreamHandler

pytestmark = pytest.mark.unit


@given(st.floats(min_value=0, max_value=4_102_444_800))  # up to 2100
def test_the_time_is_written_as_datetime_isoformat_writes_it(created: float) -> None:
    record = logging.makeLogRecord({"msg": "m", "created": created})

    line = json.loads(JsonFormatter().format(record))

    assert line["time"] == datetime.fromtimestamp(created, UTC).isoformat(timespec="microseconds")


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, CountingStream]]:
    stream = CountingStream()
    handler = LoopBatchedStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test_logging.batched")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


async def test_the_lines_of_one_loop_iteration_are_written_at_its_end_in_one_write(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    for number in range(3):
        logger.info("line %d", number)
    assert stream.getvalue() == ""

    await asyncio.sleep(0)

    assert stream.getvalue() == "INFO line 0\nINFO line 1\nINFO line 2\n"
    assert stream.writes == 1


async def test_a_warning_is_written_at_once_after_the_lines_pending(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    logger.info("before")
    logger.warning("now")

    assert stream.getvalue() == "INFO before\nWARNING now\n"
    await asyncio.sleep(0)
    assert stream.getvalue() == "INFO before\nWARNING now\n"


def test_outside_a_loop_every_line_is_written_at_once(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    logger.info("alone")

    assert stream.getvalue() == "INFO alone\n"
