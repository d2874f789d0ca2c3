"""Runs moto's DynamoDB (and DynamoDB Streams) on one port, durable through the request journal."""

import logging
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from devstack.local_dynamodb.dispatcher import DynamoDbDispatcher
from devstack.local_dynamodb.error_guard import ErrorsWithoutData
from devstack.local_dynamodb.heap_freezer import HeapFreezer
from devstack.local_dynamodb.journal_file import load_journal_lines
from devstack.local_dynamodb.listening_socket import bind_port
from devstack.local_dynamodb.moto_tables import MotoTables
from devstack.local_dynamodb.partition_query import install_partition_query
from devstack.local_dynamodb.recorder import RecordingMiddleware
from devstack.local_dynamodb.replay import replay
from devstack.local_dynamodb.request_journal import RequestJournal

logger = logging.getLogger(__name__)

JOURNAL_FILE_NAME = "requests.jsonl"
_LISTEN_BACKLOG = 128
_SIGNAL_CHECK_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class ServerOptions:
    host: str
    port: int
    data_dir: Path
    # Tables whose writes are not journaled (see RecordingMiddleware).
    volatile_tables: frozenset[str] = frozenset()


def run_server(options: ServerOptions) -> None:
    """Replay the journal, serve until SIGTERM or SIGINT, then stop cleanly."""
    stop = threading.Event()
    _stop_on_signals(stop)
    install_partition_query()
    sock = bind_port(options.host, options.port)
    freezer = HeapFreezer()
    freezer.install()
    try:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        journal_path = options.data_dir / JOURNAL_FILE_NAME
        journal = RequestJournal(journal_path)
        try:
            moto_app = DynamoDbDispatcher()
            loaded = load_journal_lines(journal_path)
            report = replay(moto_app, [request for request, _ in loaded], stop)
            sock.listen(_LISTEN_BACKLOG)
            server = make_server(
                options.host,
                options.port,
                ErrorsWithoutData(
                    RecordingMiddleware(
                        moto_app,
                        journal,
                        options.volatile_tables,
                        MotoTables(options.volatile_tables),
                        loaded,
                    )
                ),
                threaded=True,
                request_handler=MotoRequestHandler,
                fd=sock.fileno(),
            )
            serving = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="local-dynamodb"
            )
            serving.start()
            logger.info(
                "local DynamoDB ready",
                extra={
                    "host": options.host,
                    "port": server.server_address[1],
                    "replayed": report.replayed,
                    "replay_failed": report.failed,
                    "replay_seconds": report.seconds,
                    "journal": str(journal_path),
                },
            )
            _wait_for(stop, freezer)
            logger.info("stopping local DynamoDB")
            server.shutdown()
            serving.join()
            server.server_close()
        finally:
            journal.close()
    finally:
        sock.close()
        freezer.uninstall()
    logger.info("local DynamoDB stopped")


def _wait_for(stop: threading.Event, freezer: HeapFreezer) -> None:
    """Return once `stop` is set, by a signal handler; meanwhile settle `freezer`.

    Not `stop.wait()`: the kernel may deliver SIGTERM to a request thread, and Python runs
    handlers only in the main thread, when it next executes bytecode; blocked in an untimed
    wait it never does (the server then ignored SIGTERM under load). Nor timed `wait`s: the
    handler, run between their bytecodes, would take the event's lock the main thread holds.
    """
    while not stop.is_set():
        time.sleep(_SIGNAL_CHECK_SECONDS)
        freezer.settle()


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
