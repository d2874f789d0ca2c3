"""`python -m tests.support.tuned_moto_server PORT`: moto's DynamoDB (and Streams) in memory with
atomic writes and a Query that reads only the queried partition, for tests that load the services.

- Atomic writes: moto checks a write's condition and then applies it with nothing in between to
  stop another request thread from doing the same on the same key. Under load two conditional
  PutItems of one (pkey, skey) both succeeded, and the second silently replaced an acknowledged
  event (seen in tests/faults/test_concurrency.py). DynamoDB makes each conditional write atomic;
  so does the stack's local DynamoDB (devstack.local_dynamodb), which applies mutating
  requests one at a time: so does this server.
- Query: moto sorts every item of the table to answer a Query of one partition (a cost that grows
  with the journal: FACTS.md), so a load test would measure moto. The
  items of the partition, in sort-key order, are what moto's own filter keeps.
- Requests are routed like the local DynamoDB does (DynamoDbDispatcher), not through moto's
  routing, which lists its package directory for every request.
"""

import logging
import sys
import threading
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from devstack.local_dynamodb.dispatcher import DynamoDbDispatcher
from devstack.local_dynamodb.operations import is_recorded

_query_partition = threading.local()
_original_query = Table.query
_original_all_items = Table.all_items
_INDEX_NAME_POSITION = 7  # among query()'s positional arguments after self and hash_key


class OneWriteAtATime:
    """Applies mutating DynamoDB requests one at a time (reads and stream reads run freely)."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not is_recorded(environ.get("HTTP_X_AMZ_TARGET")):
            return self._app(environ, start_response)
        with self._lock:
            # Consumed under the lock: moto applies the write while the body is produced.
            return list(self._app(environ, start_response))


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = args[_INDEX_NAME_POSITION - 1] if len(args) >= _INDEX_NAME_POSITION else None
    index_name = kwargs.get("index_name", index_name)
    if index_name is not None or hash_key is None or not self.range_key_attr:
        return _original_query(self, hash_key, *args, **kwargs)
    _query_partition.hash_key = hash_key
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _query_partition.hash_key = None


def _all_items(self: Table) -> Any:
    hash_key = getattr(_query_partition, "hash_key", None)
    if hash_key is None:
        return _original_all_items(self)
    partition = self.items.get(hash_key) or {}
    return sorted(partition.values(), key=lambda item: item.range_key)


def main(argv: list[str]) -> None:
    [port] = argv
    # One line per request at INFO: an access log nobody reads, and CPU under load.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    app = OneWriteAtATime(DynamoDbDispatcher())
    server = make_server(
        "127.0.0.1", int(port), app, threaded=True, request_handler=MotoRequestHandler
    )
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
