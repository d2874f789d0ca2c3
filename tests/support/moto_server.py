"""A moto server (DynamoDB and DynamoDB Streams, and KMS on the same port) in a subprocess on a
free port, for tests."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from devstack.probe import dynamodb_ok
from tests.support.ports import free_port

START_TIMEOUT_SECONDS = 30.0
# The server imports tests.support and devstack (the root), and infrastructure (src/).
_IMPORT_ROOTS = (Path(__file__).resolve().parents[2], Path(__file__).resolve().parents[2] / "src")


@dataclass(frozen=True, slots=True)
class DynamoDbTables:
    """The names of one test's journal, snapshot and data key tables."""

    journal: str
    snapshot: str
    keys: str = "user_account_keys"


class MotoServer:
    """moto's DynamoDB in a subprocess, logging to a temporary file: `tuned_moto_server`, whose
    conditional writes are atomic as DynamoDB's are (plain `moto_server` let two concurrent
    conditional PutItems of one key both succeed, which made concurrency tests flaky)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        # A file, not a pipe: moto logs every request, and a full pipe would block the server.
        log_fd, log_path = tempfile.mkstemp(prefix="moto-server-", suffix=".log")
        self._log_path = Path(log_path)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.tuned_moto_server", str(self.port)],
                env={**os.environ, "PYTHONPATH": os.pathsep.join(map(str, _IMPORT_ROOTS))},
                stdout=log_fd,
                stderr=subprocess.STDOUT,
            )
        finally:
            os.close(log_fd)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"the moto server exited with {self._process.returncode}:\n{self.log()}"
                )
            if time.monotonic() > deadline:
                output = self.log()
                self.stop()
                raise TimeoutError(f"the moto server did not answer within {timeout} s:\n{output}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        return dynamodb_ok(self.endpoint_url)

    def log(self) -> str:
        """The server's output so far (its last 4 kB)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_bytes()[-4096:].decode(errors="replace")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
            self._log_path = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
