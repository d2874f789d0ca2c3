"""`python -m tests.support.tuned_moto_server PORT`: moto's DynamoDB (and Streams) in memory with
atomic writes and a Query that reads only the queried partition, for tests that load the services.

- Atomic writes: moto checks a write's condition and then applies it with nothing in between to
  stop another request thread from doing the same on the same key. Under load two conditional
  PutItems of one (pkey, skey) both succeeded, and the second silently replaced an acknowledged
  event (seen in tests/faults/test_concurrency.py). DynamoDB makes each conditional write atomic;
  so does the stack's local DynamoDB (devstack.local_dynamodb), which applies mutating
  requests one at a time: so does this server.
- Query: only the queried partition is read (devstack.local_dynamodb.partition_query, as the
  stack's local DynamoDB does), so a load test does not measure moto's sort of the whole table.
- Requests are routed like the local DynamoDB does (DynamoDbDispatcher), not through moto's
  routing, which lists its package directory for every request.
"""

import logging
import sys
import threading
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from devstack.local_dynamodb.dispatcher import DynamoDbDispatcher
from devstack.local_dynamodb.operations import is_recorded
from devstack.local_dynamodb.partition_query import install_partition_query


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


def main(argv: list[str]) -> None:
    [port] = argv
    # One line per request at INFO: an access log nobody reads, and CPU under load.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    install_partition_query()
    app = OneWriteAtATime(DynamoDbDispatcher())
    server = make_server(
        "127.0.0.1", int(port), app, threaded=True, request_handler=MotoRequestHandler
    )
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
