"""Structured logging: one JSON (or console) line per record, with the request's correlation id."""

import asyncio
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# Fields every line logged in this context carries (a Lambda invocation's aws_request_id); a
# field of the same name in a record replaces its value.
context_fields: ContextVar[Mapping[str, Any] | None] = ContextVar("context_fields", default=None)

_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# One encoder for every line (json.dumps with arguments builds a new one per call). Not orjson:
# it writes no space after ":" and ",", and people and scripts grep for '"message": "listening"'.
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)
# A JSON string as _ENCODER writes one (the C encoder of json, without ASCII escapes).
_text: Callable[[str], str] = json.encoder.encode_basestring
# The keys every line starts with: a field of the same name replaces its value in place.
_LINE_KEYS = frozenset({"time", "level", "logger", "message", "correlation_id", "exception"})


def _json_value(value: Any) -> str:
    """`value` as _ENCODER writes it; strings and numbers without its machinery."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and value - value == 0.0:  # finite (NaN and infinities are spelled out)
        return float.__repr__(value)
    return _ENCODER.encode(value)


class JsonFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._second_text = ""

    def format(self, record: logging.LogRecord) -> str:
        return self.line(
            record.created,
            record.levelname,
            record.name,
            record.getMessage(),
            _extra_fields(record),
            self.formatException(record.exc_info) if record.exc_info else None,
        )

    def line(
        self,
        created: float,
        level: str,
        logger: str,
        message: str,
        fields: dict[str, Any],
        exception: str | None = None,
    ) -> str:
        """The line of a record with these attributes, `fields` its extra ones."""
        cid = correlation_id.get()
        in_context = context_fields.get()
        if in_context is not None:
            fields = {**in_context, **fields}
        if _LINE_KEYS.isdisjoint(fields):
            # The text _ENCODER writes for the dict below, put together directly (cheaper):
            # a server writes a line per request.
            parts = [
                f'{{"time": "{self._time(created)}", "level": {_json_value(level)}, '
                f'"logger": {_json_value(logger)}, "message": {_json_value(message)}'
            ]
            if cid is not None:
                parts.append(f', "correlation_id": {_text(cid)}')
            for key, value in fields.items():
                parts.append(f", {_text(key)}: {_json_value(value)}")
            if exception is not None:
                parts.append(f', "exception": {_text(exception)}')
            parts.append("}")
            return "".join(parts)
        entry: dict[str, Any] = {
            "time": self._time(created),
            "level": level,
            "logger": logger,
            "message": message,
        }
        if cid is not None:
            entry["correlation_id"] = cid
        entry.update(fields)
        if exception is not None:
            entry["exception"] = exception
        return _ENCODER.encode(entry)

    def _time(self, created: float) -> str:
        """`created` as datetime.isoformat(timespec="microseconds") in UTC writes it; the
        date and time to the second are formatted once per second."""
        # As datetime.fromtimestamp rounds: the fraction of the second on its own.
        fraction_of_second, whole = math.modf(created)
        second, fraction = int(whole), round(fraction_of_second * 1_000_000)
        if fraction >= 1_000_000:
            second, fraction = second + 1, fraction - 1_000_000
        if second != self._second:
            moment = datetime.fromtimestamp(second, UTC).replace(tzinfo=None)
            self._second_text = moment.isoformat(timespec="seconds")
            self._second = second
        return f"{self._second_text}.{fraction:06d}+00:00"


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        cid = correlation_id.get()
        fields = {**(context_fields.get() or {}), **_extra_fields(record)}
        extras = " ".join(f"{key}={value}" for key, value in fields.items())
        line = (
            f"{datetime.fromtimestamp(record.created, UTC):%H:%M:%S.%f} {record.levelname:<7} "
            f"{record.name}: {record.getMessage()}"
            + (f" [cid={cid}]" if cid else "")
            + (f" {extras}" if extras else "")
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRIBUTES}


class LoopBatchedStreamHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes the INFO and DEBUG lines of one event-loop iteration at its
    end, in one write: a server logs a line per request, and a write per line costs a system
    call each. WARNING and above, and every record outside a running loop, are written at once
    (after the lines pending, so that the order holds); `flush()` writes what is pending.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._scheduled = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.add_line(line, record.levelno)

    def add_line(self, line: str, level: int) -> None:
        """Write `line` (formatted, without its terminator) as a record of `level` would be."""
        self._pending.append(line + self.terminator)
        if level < logging.WARNING:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                if not self._scheduled:
                    loop.call_soon(self._write_pending)
                    self._scheduled = True
                return
        self._write_pending()

    def flush(self) -> None:
        self._write_pending()

    def _write_pending(self) -> None:
        with self.lock or nullcontext():
            self._scheduled = False
            if self._pending:
                text = "".join(self._pending)
                self._pending.clear()
                self.stream.write(text)
            super().flush()


class InfoLines:
    """`logger.info(message, extra=fields)` for a line logged on every request.

    When the record would only reach a server's batched JSON handler (what configure_logging
    installs), the line is formatted directly: the same text, without a LogRecord and the
    handler's machinery (a noticeable share of a small request: docs/performance.md). Anything
    else (another handler, a filter, a test capturing records) gets the record through `logging`
    as usual.
    """

    def __init__(self, logger_name: str, message: str) -> None:
        self._logger = logging.getLogger(logger_name)
        self._message = message

    def __call__(self, fields: dict[str, Any]) -> None:
        logger = self._logger
        if not logger.isEnabledFor(logging.INFO):
            return
        handler = _only_batched_json_handler(logger)
        if handler is None:
            logger.info(self._message, extra=fields)
            return
        formatter: JsonFormatter = handler.formatter  # type: ignore[assignment]
        line = formatter.line(time.time(), "INFO", logger.name, self._message, fields)
        handler.add_line(line, logging.INFO)


def _only_batched_json_handler(logger: logging.Logger) -> LoopBatchedStreamHandler | None:
    """The handler an INFO record of `logger` would reach, when it is the only one, a batched
    JSON one, and no filter stands in the way; else None."""
    root = logger.root
    if logger.filters:  # (filters of the loggers above do not apply to a propagated record)
        return None
    current: logging.Logger | None = logger
    while current is not root and current is not None:
        if current.handlers or not current.propagate:
            return None
        current = current.parent
    handlers = root.handlers
    if len(handlers) != 1 or root.filters:
        return None
    handler = handlers[0]
    if (
        type(handler) is not LoopBatchedStreamHandler
        or type(handler.formatter) is not JsonFormatter
        or handler.filters
        or handler.level > logging.INFO
    ):
        return None
    return handler


_SDK_LOGGERS = ("botocore", "aiobotocore", "boto3", "aioboto3", "urllib3")


def configure_logging(
    level: str = "INFO", log_format: str = "json", *, batch_in_event_loop: bool = False
) -> None:
    """Send every log record to stderr as one structured line.

    Records skip what no formatter here writes (the caller's file and line, thread and process
    names): finding them costs more than formatting the line (logging's documented switches).
    `batch_in_event_loop`: for servers, whose loop keeps running (LoopBatchedStreamHandler);
    not for code that runs a loop only now and then (a Lambda invocation).
    """
    logging._srcfile = None  # documented in the logging HOWTO, "Optimization"
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = (
        LoopBatchedStreamHandler(sys.stderr)
        if batch_in_event_loop
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(JsonFormatter() if log_format == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log duplicates our own request line.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # The AWS SDK logs whole requests and answers at DEBUG (a data key in a KMS call, an item
    # of the key table): never below INFO, whatever LOG_LEVEL says.
    quiet = max(logging.INFO, root.getEffectiveLevel())
    for name in _SDK_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
