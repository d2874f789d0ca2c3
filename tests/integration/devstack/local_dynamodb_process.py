"""`python -m devstack.local_dynamodb` as a child process for tests, and what they read of it."""

import asyncio
import base64
import binascii
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aioboto3
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parents[3]
# src/ for infrastructure (settings, logging), the root for devstack itself (and this package).
IMPORT_PATH = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
START_TIMEOUT_SECONDS = 60.0
COMPACTED = "request journal compacted"
SCRUBBED = "request journal lines scrubbed"
_CONFIG = Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=10)


class LocalDynamoDb:
    """One emulator on one port and data dir; started, stopped and started again by the tests."""

    def __init__(self, data_dir: Path, port: int, volatile_tables: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.port = port
        self.volatile_tables = volatile_tables
        self.endpoint = f"http://127.0.0.1:{port}"
        self.log_path = data_dir.parent / f"{data_dir.name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._session = aioboto3.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="ap-northeast-1"
        )

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "requests.jsonl"

    def spawn(self, module: str = "devstack.local_dynamodb") -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", module, "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--data-dir", str(self.data_dir)]
        for table in self.volatile_tables:
            command += ["--volatile-table", table]
        env = {**os.environ, "PYTHONPATH": IMPORT_PATH, "LOG_FORMAT": "console"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        return self.process

    async def start(self, module: str = "devstack.local_dynamodb") -> None:
        process = self.spawn(module)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        async with self.client("dynamodb") as dynamodb:
            while True:
                try:
                    # The readiness probe the stack scripts use.
                    await dynamodb.list_tables()
                    return
                except Exception as error:  # not listening yet: any failure means "not yet"
                    if process.poll() is not None:
                        raise AssertionError(f"server exited:\n{self.log()}") from error
                    if time.monotonic() > deadline:
                        raise AssertionError(f"server not ready:\n{self.log()}") from error
                    await asyncio.sleep(0.05)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(signum)
        code = self.process.wait(30)
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def compactions(self) -> int:
        """How many removals were taken out of the journal (lines scrubbed, or the whole journal
        compacted), over every start of this server."""
        log = self.log()
        return log.count(COMPACTED) + log.count(SCRUBBED)

    def full_compactions(self) -> int:
        """How many times the whole journal was rewritten, over every start of this server."""
        return self.log().count(COMPACTED)

    @asynccontextmanager
    async def client(self, service: str) -> AsyncIterator[Any]:
        async with self._session.client(
            service, endpoint_url=self.endpoint, config=_CONFIG
        ) as client:
            yield client


async def restart(server: LocalDynamoDb, signum: int = signal.SIGTERM) -> None:
    assert server.stop(signum) == (0 if signum == signal.SIGTERM else -signum)
    await server.start()


def files_holding(marker: bytes, directory: Path) -> list[Path]:
    """Every file under `directory` that holds `marker`: in its bytes, or in any value of its JSON
    lines once decoded (a request body is JSON in a JSON string, binary attributes are base64)."""
    return [
        path
        for path in sorted(directory.rglob("*"))
        if path.is_file() and _holds(marker, path.read_bytes())
    ]


def _holds(marker: bytes, data: bytes) -> bool:
    return marker in data or any(marker in value for value in _decoded_values(data))


def _decoded_values(data: bytes) -> Iterator[bytes]:
    for line in data.splitlines():
        yield from _values(_json(line))


def _values(value: Any) -> Iterator[bytes]:
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _values(key)
            yield from _values(member)
    elif isinstance(value, list):
        for member in value:
            yield from _values(member)
    elif isinstance(value, str):
        yield value.encode()
        yield from _nested(value)


def _nested(text: str) -> Iterator[bytes]:
    """What a string holds once decoded: JSON (a request body), base64 (a binary value)."""
    yield from _values(_json(text))
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return
    yield decoded
    yield from _values(_json(decoded))


def _json(text: str | bytes) -> Any:
    """`text` parsed as JSON, or None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None
