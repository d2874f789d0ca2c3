"""The local DynamoDB does not journal writes to volatile tables (the updater's shard leases)."""

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from werkzeug.test import EnvironBuilder

from devstack.local_dynamodb.journal_file import load_journal
from devstack.local_dynamodb.recorder import RecordingMiddleware
from devstack.local_dynamodb.request_journal import RequestJournal

pytestmark = pytest.mark.integration


def moto_stand_in(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
    return [b"{}"]


def request(operation: str, body: dict[str, object]) -> WSGIEnvironment:
    return EnvironBuilder(
        method="POST",
        path="/",
        data=json.dumps(body),
        headers={
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
        },
    ).get_environ()


def test_writes_to_a_volatile_table_are_served_but_not_journaled(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    journal = RequestJournal(path)
    app = RecordingMiddleware(moto_stand_in, journal, frozenset({"leases"}))
    answers = []
    try:
        for operation, table in [
            ("CreateTable", "leases"),
            ("UpdateItem", "leases"),
            ("PutItem", "journal"),
            ("UpdateItem", "leases"),
        ]:
            # The key of an item no table holds: a write of a new item, appended.
            key = {"pkey": {"S": "new"}}
            body = {"TableName": table, "Item": key, "Key": key}
            answers.append(b"".join(app(request(operation, body), lambda *a: None)))
    finally:
        journal.close()
    assert answers == [b"{}"] * 4
    assert [(r.target, json.loads(r.body)["TableName"]) for r in load_journal(path)] == [
        ("DynamoDB_20120810.PutItem", "journal")
    ]


def test_describe_table_waits_for_the_write_being_applied(tmp_path: Path) -> None:
    """moto counts a table's items for DescribeTable by walking them: never while a write is
    applied (the apply lock), where other reads go on at once."""
    journal = RequestJournal(tmp_path / "requests.jsonl")
    app = RecordingMiddleware(moto_stand_in, journal)
    answers: dict[str, bytes] = {}

    def call(operation: str) -> None:
        body = {"TableName": "journal", "Key": {"pkey": {"S": "x"}}}
        answers[operation] = b"".join(app(request(operation, body), lambda *a: None))

    try:
        with app._apply_lock:  # a write being applied
            describe = threading.Thread(target=call, args=("DescribeTable",))
            describe.start()
            call("GetItem")  # not held up
            describe.join(timeout=0.5)
            assert describe.is_alive()
            assert "DescribeTable" not in answers
        describe.join()
    finally:
        journal.close()
    assert answers == {"GetItem": b"{}", "DescribeTable": b"{}"}
