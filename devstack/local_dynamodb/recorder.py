"""WSGI middleware that journals each successful mutating DynamoDB request before answering it."""

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from werkzeug.wsgi import get_input_stream

from devstack.local_dynamodb.operations import is_recorded
from devstack.local_dynamodb.recorded_request import RecordedRequest
from devstack.local_dynamodb.request_journal import RequestJournal

logger = logging.getLogger(__name__)

OptExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class RecordingMiddleware:
    """Passes every request to `app`; journals the mutating ones that succeeded (2xx).

    Mutating requests are applied one at a time and appended in that same order, so that a
    replay applies them in the order moto did (two unconditional writes to one key must not
    swap). The disk flush happens after that lock is released, and the reply is held back until
    it has finished: an acknowledged write is durable, and flushes are shared between requests.
    """

    def __init__(
        self,
        app: WSGIApplication,
        journal: RequestJournal,
        volatile_tables: frozenset[str] = frozenset(),
    ) -> None:
        self._app = app
        self._journal = journal
        # Tables whose writes are not journaled (leases renewed every few seconds): they come
        # back empty, or not at all, after a restart.
        self._volatile_tables = volatile_tables
        self._apply_lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target is None or not is_recorded(target):
            return self._app(environ, start_response)
        body = _take_body(environ)
        if self._volatile_tables and _table_name(body) in self._volatile_tables:
            return self._app(environ, start_response)
        with self._apply_lock:
            answer, content = _call(self._app, environ)
            ticket = None
            if answer.status.startswith("2"):
                line = RecordedRequest.from_environ(environ, target, body).to_json_line()
                try:
                    ticket = self._journal.append(line)
                except (OSError, ValueError):
                    logger.exception(
                        "a write was applied but not journaled: it is lost at the next restart",
                        extra={"target": target},
                    )
                    raise
        if ticket is not None:
            self._journal.wait_durable(ticket)
        start_response(answer.status, answer.headers, answer.exc_info)
        return [content]


def _take_body(environ: WSGIEnvironment) -> bytes:
    # Read once here (plain or chunked upload), then hand moto a fresh stream over the same bytes.
    body = get_input_stream(environ).read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _table_name(body: bytes) -> str | None:
    try:
        name = json.loads(body).get("TableName")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


class _Answer:
    """A start_response that keeps what the app answered instead of sending it."""

    def __init__(self) -> None:
        self.status = "500 INTERNAL SERVER ERROR"
        self.headers: list[tuple[str, str]] = []
        self.exc_info: OptExcInfo | None = None

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        self.status, self.headers, self.exc_info = status, headers, exc_info
        return _refuse_write


def _call(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[_Answer, bytes]:
    """Run `app` to completion and collect its whole answer (DynamoDB write answers are small)."""
    answer = _Answer()
    chunks = app(environ, answer)
    try:
        content = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer, content


def _refuse_write(data: bytes) -> None:
    raise RuntimeError("the legacy WSGI write() callable is not supported here")
