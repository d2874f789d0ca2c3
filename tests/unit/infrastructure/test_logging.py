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

from infrastructure.logging import (
    InfoLines,
    JsonFormatter,
    LoopBatchedStreamHandler,
    configure_logging,
    correlation_id,
)

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


@pytest.fixture
def json_root_handler() -> Iterator[tuple[LoopBatchedStreamHandler, io.StringIO]]:
    """The root logger as configure_logging leaves a server's: one batched JSON handler."""
    stream = io.StringIO()
    handler = LoopBatchedStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield handler, stream
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_info_lines_write_what_logger_info_writes(
    json_root_handler: tuple[LoopBatchedStreamHandler, io.StringIO],
) -> None:
    _, stream = json_root_handler
    fields = {"method": "POST", "path": "/api/graphql", "status": 200, "duration_ms": 1.5}
    token = correlation_id.set("cid-1")
    try:
        logging.getLogger("test_logging.access").info("request", extra=fields)
        InfoLines("test_logging.access", "request")(fields)
    finally:
        correlation_id.reset(token)

    through_logging, direct = _lines(stream)
    assert set(through_logging) == set(direct)
    assert {k: v for k, v in direct.items() if k != "time"} == {
        "level": "INFO",
        "logger": "test_logging.access",
        "message": "request",
        "correlation_id": "cid-1",
        **fields,
    }
    assert list(direct) == list(through_logging)  # the same keys in the same order


def test_info_lines_go_through_logging_when_another_handler_listens(
    json_root_handler: tuple[LoopBatchedStreamHandler, io.StringIO],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, stream = json_root_handler
    with caplog.at_level(logging.INFO, logger="test_logging.access"):
        InfoLines("test_logging.access", "request")({"status": 200})

    [record] = caplog.records
    assert record.getMessage() == "request"
    assert record.__dict__["status"] == 200
    assert _lines(stream)[0]["status"] == 200


def test_info_lines_are_silent_below_the_level(
    json_root_handler: tuple[LoopBatchedStreamHandler, io.StringIO],
) -> None:
    _, stream = json_root_handler
    logging.getLogger("test_logging.quiet").setLevel(logging.WARNING)

    InfoLines("test_logging.quiet", "request")({"status": 200})

    assert stream.getvalue() == ""


_field_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.datetimes(timezones=st.just(UTC)),
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)


@given(
    st.text(),
    st.one_of(st.none(), st.text()),
    st.dictionaries(
        st.one_of(st.text(max_size=10), st.sampled_from(["time", "message", "correlation_id"])),
        _field_values,
        max_size=5,
    ),
    st.one_of(st.none(), st.text()),
)
def test_a_line_is_the_json_encoder_s_text_of_its_entry(
    message: str, cid: str | None, fields: dict[str, object], exception: str | None
) -> None:
    formatter = JsonFormatter()
    token = correlation_id.set(cid)
    try:
        line = formatter.line(1_700_000_000.25, "INFO", "a.logger", message, fields, exception)
    finally:
        correlation_id.reset(token)

    entry: dict[str, object] = {
        "time": "2023-11-14T22:13:20.250000+00:00",
        "level": "INFO",
        "logger": "a.logger",
        "message": message,
    }
    if cid is not None:
        entry["correlation_id"] = cid
    entry.update(fields)
    if exception is not None:
        entry["exception"] = exception
    assert line == json.JSONEncoder(default=str, ensure_ascii=False).encode(entry)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back afterwards."""
    root = logging.getLogger()
    names = ("botocore", "aiobotocore", "aiohttp.access")
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names}
    try:
        yield
    finally:
        root.handlers[:], level, levels = saved
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)


@pytest.mark.usefixtures("restored_logging")
def test_the_aws_sdk_never_logs_requests_even_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", "json")

    # What botocore writes at DEBUG: whole requests (a data key sent to KMS) and answers.
    logging.getLogger("botocore.endpoint").debug("Making request with params: {'body': b'KEY'}")
    logging.getLogger("aiobotocore.endpoint").debug("Response body: b'KEY'")
    logging.getLogger("app").debug("our own debug line")

    written = capsys.readouterr().err
    assert "KEY" not in written
    assert "our own debug line" in written
    assert logging.getLogger("botocore").getEffectiveLevel() == logging.INFO
