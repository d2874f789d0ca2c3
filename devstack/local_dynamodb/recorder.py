"""WSGI middleware that journals each successful mutating DynamoDB request before answering it,
and compacts the journal instead when the request removed or replaced stored item data."""

import io
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from werkzeug.wsgi import get_input_stream

from devstack.local_dynamodb.error_guard import describe_error
from devstack.local_dynamodb.item_rewrites import rewrites_stored_items
from devstack.local_dynamodb.moto_tables import LiveTables, MotoTables
from devstack.local_dynamodb.operations import DYNAMODB_TARGET_PREFIX, is_recorded
from devstack.local_dynamodb.recorded_request import RecordedRequest
from devstack.local_dynamodb.request_journal import RequestJournal
from devstack.local_dynamodb.wsgi_call import call_to_completion, internal_error, send

logger = logging.getLogger(__name__)


class RecordingMiddleware:
    """Passes every request to `app`; journals the mutating ones that succeeded (2xx).

    Mutating requests are applied one at a time and appended in that same order, so that a
    replay applies them in the order moto did (two unconditional writes to one key must not
    swap). The disk flush happens after that lock is released, and the reply is held back until
    it has finished: an acknowledged write is durable, and flushes are shared between requests.

    A request that removed or replaced an item stored before it (DeleteItem, an UpdateItem or a
    PutItem of an existing key, DeleteTable...) is not appended: the journal is compacted into
    the requests that rebuild the tables as they now stand, still under the lock and before the
    reply, so that the earlier content is in no file once the request is acknowledged.
    """

    def __init__(
        self,
        app: WSGIApplication,
        journal: RequestJournal,
        volatile_tables: frozenset[str] = frozenset(),
        tables: LiveTables | None = None,
    ) -> None:
        self._app = app
        self._journal = journal
        # Tables whose writes are not journaled (leases renewed every few seconds): they come
        # back empty, or not at all, after a restart.
        self._volatile_tables = volatile_tables
        self._tables = tables if tables is not None else MotoTables(volatile_tables)
        self._apply_lock = threading.Lock()
        # Set while the last compaction failed: moto holds a removal the journal does not, so
        # every next write compacts (an append would leave the removed data in the file).
        self._compaction_pending = False
        self.compactions = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target is None or not is_recorded(target):
            return self._app(environ, start_response)
        body = _take_body(environ)
        parsed = _parsed(body)
        if self._volatile_tables and _table_name(parsed) in self._volatile_tables:
            return self._app(environ, start_response)
        operation = target.removeprefix(DYNAMODB_TARGET_PREFIX)
        with self._apply_lock:
            # Looked at before the request is applied: afterwards a replaced item looks new.
            rewrites = self._compaction_pending or rewrites_stored_items(
                operation, parsed, self._tables.holds
            )
            answer, content = call_to_completion(self._app, environ)
            ticket = None
            if answer.status.startswith("2"):
                if rewrites:
                    if not self._compact(target):
                        return internal_error(start_response)
                else:
                    ticket = self._append(RecordedRequest.from_environ(environ, target, body))
        if ticket is not None:
            self._journal.wait_durable(ticket)
        return send(answer, content, start_response)

    def _append(self, request: RecordedRequest) -> int:
        try:
            return self._journal.append(request.to_json_line())
        except (OSError, ValueError) as error:
            logger.error(
                "a write was applied but not journaled: it is lost at the next restart",
                extra={"target": request.target, **describe_error(error)},
            )
            raise

    def _compact(self, target: str) -> bool:
        """Rewrite the journal from the tables as they stand; False (logged) when it failed.

        The request is then not acknowledged, although moto applied it: it is lost at a restart
        unless a later compaction (the next write, a retry) succeeds.
        """
        self._compaction_pending = True
        started = time.monotonic()
        requests = _Counted(self._tables.rebuild_requests())
        try:
            written = self._journal.replace(request.to_json_line() for request in requests)
        except Exception as error:
            logger.error(
                "the request journal could not be compacted: the write is not acknowledged",
                extra={"target": target, **describe_error(error)},
            )
            return False
        self._compaction_pending = False
        self.compactions += 1
        logger.info(
            "request journal compacted",
            extra={
                "target": target,
                "requests": requests.count,
                "bytes": written,
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        return True


class _Counted:
    """An iterator that counts what it has handed out."""

    def __init__(self, requests: Iterator[RecordedRequest]) -> None:
        self._requests = requests
        self.count = 0

    def __iter__(self) -> Iterator[RecordedRequest]:
        for request in self._requests:
            self.count += 1
            yield request


def _take_body(environ: WSGIEnvironment) -> bytes:
    # Read once here (plain or chunked upload), then hand moto a fresh stream over the same bytes.
    body = get_input_stream(environ).read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _parsed(body: bytes) -> object:
    try:
        parsed: object = json.loads(body)
    except ValueError:
        return None
    return parsed


def _table_name(parsed: object) -> str | None:
    name = parsed.get("TableName") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) else None
