"""Entry point: `python -m devstack.local_dynamodb --host H --port P --data-dir D`."""

import argparse
import logging
import sys
from pathlib import Path

from devstack.local_dynamodb.journal_file import CorruptJournalError
from devstack.local_dynamodb.listening_socket import PortInUseError
from devstack.local_dynamodb.replay import ReplayInterruptedError
from devstack.local_dynamodb.request_journal import JournalInUseError
from devstack.local_dynamodb.server import ServerOptions, run_server
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings

logger = logging.getLogger("devstack.local_dynamodb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.local_dynamodb",
        description="moto's DynamoDB and DynamoDB Streams, kept across restarts in DATA_DIR.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--data-dir", type=Path, default=Path(".run/dynamodb"))
    parser.add_argument(
        "--volatile-table",
        action="append",
        default=[],
        metavar="NAME",
        help="a table whose writes are not kept across restarts (repeatable), e.g. the "
        "updater's shard leases, renewed every few seconds",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    # werkzeug logs one line per request at INFO: that is an access log nobody reads here.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        run_server(
            ServerOptions(
                host=args.host,
                port=args.port,
                data_dir=args.data_dir,
                volatile_tables=frozenset(args.volatile_table),
            )
        )
    except (PortInUseError, JournalInUseError, CorruptJournalError) as error:
        # The message says all there is to do; a traceback would only hide it.
        logger.error(str(error))
        return 1
    except ReplayInterruptedError as error:
        logger.warning(str(error))
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
