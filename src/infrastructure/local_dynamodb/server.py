"""Runs moto's DynamoDB (and DynamoDB Streams) on one port, durable through the request journal."""

import logging
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from infrastructure.local_dynamodb.dispatcher import DynamoDbDispatcher
from infrastructure.local_dynamodb.journal_file import load_journal
from infrastructure.local_dynamodb.listening_socket import bind_port
from infrastructure.local_dynamodb.recorder import RecordingMiddleware
from infrastructure.local_dynamodb.replay import replay
from infrastructure.local_dynamodb.request_journal import RequestJournal

logger = logging.getLogger(__name__)

JOURNAL_FILE_NAME = "requests.jsonl"
_LISTEN_BACKLOG = 128


@dataclass(frozen=True, slots=True)
class ServerOptions:
    host: str
    port: int
    data_dir: Path


def run_server(options: ServerOptions) -> None:
    """Replay the journal, serve until SIGTERM or SIGINT, then stop cleanly."""
    stop = threading.Event()
    _stop_on_signals(stop)
    sock = bind_port(options.host, options.port)
    try:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        journal_path = options.data_dir / JOURNAL_FILE_NAME
        journal = RequestJournal(journal_path)
        try:
            moto_app = DynamoDbDispatcher()
            report = replay(moto_app, load_journal(journal_path), stop)
            sock.listen(_LISTEN_BACKLOG)
            server = make_server(
                options.host,
                options.port,
                RecordingMiddleware(moto_app, journal),
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
            stop.wait()
            logger.info("stopping local DynamoDB")
            server.shutdown()
            serving.join()
            server.server_close()
        finally:
            journal.close()
    finally:
        sock.close()
    logger.info("local DynamoDB stopped")


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
