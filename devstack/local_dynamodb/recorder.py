"""WSGI middleware that journals each successful mutating DynamoDB request before answering it;
when the request removed or replaced stored item data, it scrubs the lines that held it, or
compacts the journal."""

import io
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from werkzeug.wsgi import get_input_stream

from devstack.local_dynamodb.error_guard import describe_error
from devstack.local_dynamodb.item_rewrites import rewrites_stored_items
from devstack.local_dynamodb.line_index import ItemKey, JournalLine, LineIndex
from devstack.local_dynamodb.moto_tables import LiveTables, MotoTables
from devstack.local_dynamodb.operations import (
    DYNAMODB_TARGET_PREFIX,
    TABLE_WIDE_READS,
    is_recorded,
)
from devstack.local_dynamodb.recorded_request import RecordedRequest
from devstack.local_dynamodb.request_journal import RequestJournal
from devstack.local_dynamodb.wsgi_call import call_to_completion, internal_error, send

logger = logging.getLogger(__name__)

# Scrubbed lines stay in the file until a compaction: one is made instead of a scrub once they
# would outweigh the live lines and this much.
_DEAD_BYTES_BEFORE_COMPACTING = 16 << 20


class RecordingMiddleware:
    """Passes every request to `app`; journals the mutating ones that succeeded (2xx).

    Mutating requests are applied one at a time and appended in that same order, so that a
    replay applies them in the order moto did (two unconditional writes to one key must not
    swap). The disk flush happens after that lock is released, and the reply is held back until
    it has finished: an acknowledged write is durable, and flushes are shared between requests.

    A request that removed or replaced an item stored before it (DeleteItem, an UpdateItem or a
    PutItem of an existing key, DeleteTable...) is not appended, so that the earlier content is
    in no file once the request is acknowledged. Still under the lock and before the reply, the
    lines that wrote its items are *scrubbed* in place, after a PutItem of each item that lives
    on, as it now stands, was appended and flushed (`LineIndex` knows the lines). When a scrub
    cannot do it alone (a line that also wrote other items, an unknown operation, DeleteTable,
    too many scrubbed bytes) the journal is *compacted* into the requests that rebuild the
    tables as they now stand.
    """

    def __init__(
        self,
        app: WSGIApplication,
        journal: RequestJournal,
        volatile_tables: frozenset[str] = frozenset(),
        tables: LiveTables | None = None,
        loaded: Sequence[tuple[RecordedRequest, JournalLine]] = (),
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
        # Removals handled: by a scrub or a compaction, and of those by a compaction.
        self.compactions = 0
        self.full_compactions = 0
        self._index = LineIndex(self._tables.key_schema)
        for request, line in loaded:
            self._index.add(line, _operation(request.target), _parsed(request.body))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target in TABLE_WIDE_READS:
            # Applied writes change the dictionaries these walk: one at a time with them.
            with self._apply_lock:
                answer, content = call_to_completion(self._app, environ)
            return send(answer, content, start_response)
        if target is None or not is_recorded(target):
            return self._app(environ, start_response)
        body = _take_body(environ)
        parsed = _parsed(body)
        if self._volatile_tables and _table_name(parsed) in self._volatile_tables:
            return self._app(environ, start_response)
        operation = _operation(target)
        with self._apply_lock:
            # Looked at before the request is applied: afterwards a replaced item looks new.
            rewrites = self._compaction_pending or rewrites_stored_items(
                operation, parsed, self._tables.holds
            )
            answer, content = call_to_completion(self._app, environ)
            ticket = None
            if answer.status.startswith("2"):
                if rewrites:
                    if not self._remove(operation, parsed, target):
                        return internal_error(start_response)
                else:
                    request = RecordedRequest.from_environ(environ, target, body)
                    ticket = self._append(request, operation, parsed)
        if ticket is not None:
            self._journal.wait_durable(ticket)
        return send(answer, content, start_response)

    def _append(self, request: RecordedRequest, operation: str, parsed: object) -> int:
        line = request.to_json_line()
        try:
            ticket, offset = self._journal.append_at(line)
        except (OSError, ValueError) as error:
            logger.error(
                "a write was applied but not journaled: it is lost at the next restart",
                extra={"target": request.target, **describe_error(error)},
            )
            raise
        self._index.add(JournalLine(offset, len(line)), operation, parsed)
        return ticket

    def _remove(self, operation: str, parsed: object, target: str) -> bool:
        """Leave no line with what the applied request removed; False (logged) when failed."""
        if not self._compaction_pending:
            keys = self._index.keys_of(operation, parsed)
            lines = None if not keys else self._index.lines_to_scrub(keys)
            if keys and lines is not None and not self._too_many_dead_bytes(lines):
                return self._scrub(keys, lines, target)
        return self._compact(target)

    def _too_many_dead_bytes(self, lines: Sequence[JournalLine]) -> bool:
        dead = self._index.dead_bytes + sum(line.length for line in lines)
        return dead > self._journal.size - dead + _DEAD_BYTES_BEFORE_COMPACTING

    def _scrub(self, keys: Sequence[ItemKey], lines: Sequence[JournalLine], target: str) -> bool:
        """Append each addressed item that lives on as it now stands, flush, then scrub `lines`.

        A crash before the scrub has finished leaves both: a replay applies the old lines, then
        the items as they now stand (the request itself was not acknowledged).
        """
        started = time.monotonic()
        self._compaction_pending = True
        appended: list[tuple[RecordedRequest, JournalLine]] = []
        try:
            ticket = None
            for key in keys:
                request = self._tables.put_request(key)
                if request is not None:
                    line = request.to_json_line()
                    ticket, offset = self._journal.append_at(line)
                    appended.append((request, JournalLine(offset, len(line))))
            if ticket is not None:
                self._journal.wait_durable(ticket)
            self._journal.scrub((line.offset, line.length) for line in lines)
        except Exception as error:
            logger.error(
                "the request journal could not be scrubbed: the write is not acknowledged",
                extra={"target": target, **describe_error(error)},
            )
            return False
        self._compaction_pending = False
        self._index.scrubbed(keys, lines)
        for request, new_line in appended:
            self._index.add(new_line, _operation(request.target), _parsed(request.body))
        self.compactions += 1
        logger.info(
            "request journal lines scrubbed",
            extra={
                "target": target,
                "lines": len(lines),
                "appended": len(appended),
                "seconds": round(time.monotonic() - started, 4),
            },
        )
        return True

    def _compact(self, target: str) -> bool:
        """Rewrite the journal from the tables as they stand; False (logged) when it failed.

        The request is then not acknowledged, although moto applied it: it is lost at a restart
        unless a later compaction (the next write, a retry) succeeds.
        """
        self._compaction_pending = True
        started = time.monotonic()
        requests = _Counted(self._tables.rebuild_requests())
        self._index.clear()
        try:
            written = self._journal.replace(self._indexed_lines(requests))
        except Exception as error:
            logger.error(
                "the request journal could not be compacted: the write is not acknowledged",
                extra={"target": target, **describe_error(error)},
            )
            return False
        self._compaction_pending = False
        self.compactions += 1
        self.full_compactions += 1
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

    def _indexed_lines(self, requests: Iterable[RecordedRequest]) -> Iterator[bytes]:
        """The lines of `requests`, indexed as they are handed out (the file starts afresh)."""
        offset = 0
        for request in requests:
            line = request.to_json_line()
            self._index.add(
                JournalLine(offset, len(line)), _operation(request.target), _parsed(request.body)
            )
            offset += len(line)
            yield line


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


def _operation(target: str) -> str:
    return target.removeprefix(DYNAMODB_TARGET_PREFIX)


def _parsed(body: bytes) -> object:
    try:
        parsed: object = json.loads(body)
    except ValueError:
        return None
    return parsed


def _table_name(parsed: object) -> str | None:
    name = parsed.get("TableName") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) else None
