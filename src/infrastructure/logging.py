"""Structured logging: one JSON (or console) line per record, with the request's correlation id."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# One encoder for every line (json.dumps with arguments builds a new one per call). Not orjson:
# it writes no space after ":" and ",", and people and scripts grep for '"message": "listening"'.
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="microseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = correlation_id.get()
        if cid is not None:
            entry["correlation_id"] = cid
        entry.update(_extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        cid = correlation_id.get()
        extras = " ".join(f"{key}={value}" for key, value in _extra_fields(record).items())
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


def configure_logging(level: str = "INFO", log_format: str = "json") -> None:
    """Send every log record to stderr as one structured line.

    Records skip what no formatter here writes (the caller's file and line, thread and process
    names): finding them costs more than formatting the line (logging's documented switches).
    """
    logging._srcfile = None  # documented in the logging HOWTO, "Optimization"
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log duplicates our own request line.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
