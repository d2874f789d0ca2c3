"""An app (`python -m apps.…`) as a subprocess logging to a file, to stop, kill and start again."""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import aiohttp

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0


class ServiceProcess:
    """`python -m <module> <args>` with `env`; its output goes to a file (a full pipe would block
    it). `start()` may be called again after it stopped: the log file keeps growing."""

    def __init__(self, module: str, env: Mapping[str, str], args: Sequence[str] = ()) -> None:
        self.module = module
        self._command = [sys.executable, "-m", module, *args]
        self._env = {
            **os.environ,
            # src/ for the apps; the root for devstack/ and tests.support (the emulators).
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "LOG_FORMAT": "json",
            **env,
        }
        fd, path = tempfile.mkstemp(prefix=f"{module.rsplit('.', 1)[-1]}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(path)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> "ServiceProcess":
        assert not self.running, f"{self.module} already runs"
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self._command,
                env=self._env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def signal(self, signum: signal.Signals) -> None:
        assert self._process is not None
        self._process.send_signal(signum)

    async def wait(self, within: float) -> int:
        """The exit code; SIGKILL and an AssertionError when it has not exited `within` s."""
        assert self._process is not None
        deadline = time.monotonic() + within
        while (code := self._process.poll()) is None:
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"{self.module} did not exit in {within} s:\n{self.tail()}")
            await asyncio.sleep(0.05)
        return code

    async def terminate(self, within: float = 30.0) -> int:
        self.signal(signal.SIGTERM)
        return await self.wait(within)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, chars: int = 4000) -> str:
        return self.log()[-chars:]

    def close(self) -> None:
        self.kill()
        if os.environ.get("SHOW_SERVICE_LOGS"):
            print(f"--- {self.module} ---\n{self.log()}")
        self.log_path.unlink(missing_ok=True)


async def wait_until_answers(
    session: aiohttp.ClientSession,
    url: str,
    process: ServiceProcess,
) -> None:
    """Poll GET `url` until it answers 200; fails if the process exits or the time is up."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        assert process.running, f"{process.module} exited:\n{process.tail()}"
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                if response.status == 200:
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass
        assert time.monotonic() < deadline, f"{url} did not answer:\n{process.tail()}"
        await asyncio.sleep(0.1)
