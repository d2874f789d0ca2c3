"""The request journal replaced whole (temp file, fsync, rename), and the recorder that does it."""

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from werkzeug.test import EnvironBuilder

from devstack.local_dynamodb import recorder, request_journal
from devstack.local_dynamodb.journal_file import load_journal
from devstack.local_dynamodb.line_index import ItemKey
from devstack.local_dynamodb.recorded_request import RecordedRequest
from devstack.local_dynamodb.recorder import RecordingMiddleware
from devstack.local_dynamodb.request_journal import (
    JournalInUseError,
    RequestJournal,
    replacement_path,
)

pytestmark = pytest.mark.integration


def line(n: int) -> bytes:
    return RecordedRequest(
        "DynamoDB_20120810.PutItem", "/", None, {}, f"{n}".encode()
    ).to_json_line()


def bodies(path: Path) -> list[bytes]:
    return [request.body for request in load_journal(path)]


def test_a_replaced_journal_holds_the_new_lines_and_takes_the_next_appends(
    tmp_path: Path,
) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    try:
        journal.append(line(1))
        pending = journal.append(line(2))
        written = journal.replace([line(10), line(11)])
        # Lines appended before it stand in the new content: their wait is over.
        journal.wait_durable(pending)
        journal.wait_durable(journal.append(line(12)))
        assert written == len(line(10)) + len(line(11))
        assert bodies(path) == [b"10", b"11", b"12"]
        assert not replacement_path(path).exists()
        # The lock moved to the new file with the rest.
        with pytest.raises(JournalInUseError):
            RequestJournal(path)
    finally:
        journal.close()
    assert bodies(path) == [b"10", b"11", b"12"]


def test_a_large_replacement_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    try:
        journal.replace(line(n) for n in range(50_000))
    finally:
        journal.close()
    assert bodies(path) == [f"{n}".encode() for n in range(50_000)]


def test_a_failed_rename_leaves_the_old_journal_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    try:
        journal.wait_durable(journal.append(line(1)))
        before = path.read_bytes()

        def refuse(source: object, destination: object) -> None:
            assert Path(str(source)).read_bytes() == line(10)  # written whole, then refused
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(request_journal.os, "replace", refuse)
        with pytest.raises(OSError, match="No space"):
            journal.replace([line(10)])
        monkeypatch.undo()

        assert path.read_bytes() == before
        assert not replacement_path(path).exists()
        journal.wait_durable(journal.append(line(2)))
        assert bodies(path) == [b"1", b"2"]
        journal.replace([line(20)])
        assert bodies(path) == [b"20"]
    finally:
        journal.close()


def test_an_unfinished_replacement_left_by_a_crash_is_removed_at_open(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(line(1))
    replacement_path(path).write_bytes(line(10))

    journal = RequestJournal(path)
    journal.close()

    assert not replacement_path(path).exists()
    assert bodies(path) == [b"1"]


def test_a_second_server_does_not_remove_the_replacement_of_the_first(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    try:
        replacement_path(path).write_bytes(line(10))  # as if a compaction were under way
        with pytest.raises(JournalInUseError):
            RequestJournal(path)
        assert replacement_path(path).exists()
    finally:
        journal.close()


def test_appends_waiting_for_their_fsync_are_durable_across_a_replacement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    errors: list[BaseException] = []

    def append_many(offset: int) -> None:
        try:
            for n in range(200):
                journal.wait_durable(journal.append(line(offset + n)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=append_many, args=(1000 * t,)) for t in range(4)]
    try:
        for thread in threads:
            thread.start()
        for _ in range(20):
            journal.replace([line(0)])
        for thread in threads:
            thread.join()
    finally:
        journal.close()
    assert errors == []
    # Whole lines only, every one readable: the file is the last replacement and what followed.
    assert bodies(path)[0] == b"0"


# --- the recorder, over a stand-in for moto and its tables ---------------------------------


class StandInTables:
    """Items are stored under the keys in `stored`; a compaction rebuilds `live` lines."""

    def __init__(self) -> None:
        self.stored: set[str] = set()
        self.live: list[RecordedRequest] = []
        self.fail_next_rebuild = False

    def holds(self, table_name: str, attributes: Mapping[str, Any]) -> bool:
        return str(attributes["pkey"]["S"]) in self.stored

    def key_schema(self, table_name: str) -> tuple[str, str, str | None] | None:
        return table_name, "pkey", None

    def put_request(self, key: ItemKey) -> RecordedRequest | None:
        return None  # never asked: the stored items were written before the journal knew them

    def rebuild_requests(self) -> Iterator[RecordedRequest]:
        if self.fail_next_rebuild:
            self.fail_next_rebuild = False
            raise KeyError("an item's value, which the log must not show")
        yield from self.live


def stand_in_moto(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    body = json.loads(environ["wsgi.input"].read())
    refused = body.get("refuse", False)
    start_response("400 Bad Request" if refused else "200 OK", [])
    return [b"{}"]


def send(app: RecordingMiddleware, operation: str, pkey: str, **extra: Any) -> str:
    body = {"TableName": "journal", "Item": {"pkey": {"S": pkey}}, **extra}
    environ = EnvironBuilder(
        method="POST",
        path="/",
        data=json.dumps(body),
        headers={"X-Amz-Target": f"DynamoDB_20120810.{operation}"},
    ).get_environ()
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return statuses[0]


def test_the_recorder_compacts_only_when_a_stored_item_is_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    tables = StandInTables()
    tables.stored = {"old"}
    tables.live = [RecordedRequest("DynamoDB_20120810.PutItem", "/", None, {}, b"rebuilt")]
    app = RecordingMiddleware(stand_in_moto, journal, frozenset(), tables)
    try:
        assert send(app, "PutItem", "new-1") == "200 OK"
        assert send(app, "PutItem", "new-2") == "200 OK"
        # Refused by moto: not journaled, not compacted, although it addresses a stored item.
        assert send(app, "PutItem", "old", refuse=True) == "400 Bad Request"
        assert app.compactions == 0
        assert len(bodies(path)) == 2

        assert send(app, "PutItem", "old") == "200 OK"
        assert app.compactions == 1
        assert bodies(path) == [b"rebuilt"]

        assert send(app, "PutItem", "new-3") == "200 OK"
        assert app.compactions == 1
        assert len(bodies(path)) == 2
    finally:
        journal.close()


def test_a_failed_compaction_is_not_acknowledged_and_the_next_write_compacts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    tables = StandInTables()
    tables.stored = {"old"}
    tables.live = [RecordedRequest("DynamoDB_20120810.PutItem", "/", None, {}, b"rebuilt")]
    app = RecordingMiddleware(stand_in_moto, journal, frozenset(), tables)
    try:
        assert send(app, "PutItem", "new-1") == "200 OK"
        tables.fail_next_rebuild = True

        assert send(app, "DeleteItem", "old", Key={"pkey": {"S": "old"}}).startswith("500")
        assert app.compactions == 0
        assert len(bodies(path)) == 1
        [record] = [r for r in caplog.records if "could not be compacted" in r.getMessage()]
        assert record.__dict__["error"] == "KeyError"
        assert record.exc_info is None
        assert not any("must not show" in str(r.__dict__) for r in caplog.records)

        # A write of a new item would leave the removal's earlier copy: it compacts instead.
        assert send(app, "PutItem", "new-2") == "200 OK"
        assert app.compactions == 1
        assert bodies(path) == [b"rebuilt"]
        assert send(app, "PutItem", "new-3") == "200 OK"
        assert app.compactions == 1
    finally:
        journal.close()


def test_scrubbed_lines_that_would_outweigh_the_live_ones_make_a_compaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder, "_DEAD_BYTES_BEFORE_COMPACTING", 0)
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    tables = StandInTables()
    tables.live = [RecordedRequest("DynamoDB_20120810.PutItem", "/", None, {}, b"rebuilt")]
    app = RecordingMiddleware(stand_in_moto, journal, frozenset(), tables)
    try:
        for pkey in ("a", "b", "c"):
            assert send(app, "PutItem", pkey) == "200 OK"
        tables.stored = {"a", "b", "c"}

        # One line of three scrubbed: the file holds more live bytes than dead ones.
        assert send(app, "DeleteItem", "a", Key={"pkey": {"S": "a"}}) == "200 OK"
        assert (app.compactions, app.full_compactions) == (1, 0)
        assert len(bodies(path)) == 2

        # A second would leave more dead bytes than live ones: the journal is compacted.
        assert send(app, "DeleteItem", "b", Key={"pkey": {"S": "b"}}) == "200 OK"
        assert (app.compactions, app.full_compactions) == (2, 1)
        assert bodies(path) == [b"rebuilt"]
    finally:
        journal.close()
