"""The read-model updater (`python -m apps.read_model_updater`) as a subprocess, for tests."""

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.support.ports import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]

# Short pacing so that the tests take seconds; the defaults are documented in the README.
FAST_SETTINGS = {
    "UPDATER_POLL_INTERVAL_MS": "50",
    "UPDATER_RETRY_BASE_MS": "20",
    "UPDATER_RETRY_MAX_MS": "300",
    "UPDATER_DISCOVERY_INTERVAL_MS": "300",
    # A test that kills an updater and starts another waits for the lease at most this long.
    "UPDATER_LEASE_MS": "2000",
    "LOG_FORMAT": "json",
    "LOG_LEVEL": "INFO",
}


class UpdaterProcess:
    """One updater process; its output goes to a temporary file (a full pipe would block it)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT / "src"),
            **FAST_SETTINGS,
            # Its health and metrics listener: a port of its own, whatever else runs.
            "UPDATER_HTTP_PORT": str(free_port()),
            **env,
        }
        self.http_port = int(self._env["UPDATER_HTTP_PORT"])
        fd, path = tempfile.mkstemp(prefix="read-model-updater-", suffix=".log")
        os.close(fd)
        self.log_path = Path(path)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> "UpdaterProcess":
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "apps.read_model_updater"],
                env=self._env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def url(self) -> str:
        """Where its health routes and /metrics are."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def terminate(self, timeout: float = 10.0) -> int:
        """SIGTERM, then the exit code (SIGKILL and an error when it does not stop in time)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the updater did not stop on SIGTERM:\n{self.log()}") from None

    def kill(self) -> None:
        """SIGKILL: no chance to finish the batch or checkpoint."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_entries(self) -> list[dict[str, Any]]:
        entries = []
        for line in self.log().splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                entries.append({"message": line})
        return entries

    def messages(self) -> list[str]:
        return [str(entry.get("message")) for entry in self.log_entries()]

    def close(self) -> None:
        self.kill()
        self.log_path.unlink(missing_ok=True)
