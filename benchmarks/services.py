"""What a scenario runs against, each started by the benchmark itself and stopped after it:
a fresh moto server, a PostgreSQL in the run's temporary directory, and the apps as processes."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg

from devstack.postgres_server import PostgresServer, PostgresServerConfig

REPO_ROOT = Path(__file__).resolve().parents[1]
SRC = REPO_ROOT / "src"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
REGION = "ap-northeast-1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def process_env(overrides: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment of every process the benchmark starts: the project's code on the path,
    local fake credentials, JSON logs; then `overrides`."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(SRC), str(REPO_ROOT)]),
        PYTHONWARNINGS="ignore::DeprecationWarning",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        LOG_FORMAT="json",
    )
    env.update(overrides)
    return env


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, every thread) process `pid` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class RunningProcess:
    name: str
    process: asyncio.subprocess.Process
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@asynccontextmanager
async def spawned(
    name: str, argv: Sequence[str], log_dir: Path, env: Mapping[str, str] = {}
) -> AsyncIterator[RunningProcess]:
    """`argv` as a process logging to `log_dir/<name>.log`; SIGTERM (then SIGKILL) on exit."""
    await asyncio.to_thread(log_dir.mkdir, parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            *argv, env=process_env(env), stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL
        )
    running = RunningProcess(name, process, log_path)
    try:
        yield running
    finally:
        await stop(running)


async def stop(running: RunningProcess) -> None:
    process = running.process
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


async def wait_for_http(
    url: str, running: RunningProcess, wait_seconds: float = START_TIMEOUT_SECONDS
) -> None:
    """Poll `url` until it answers (any status below 500); fails if the process exits first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    async with aiohttp.ClientSession() as session:
        while True:
            if running.process.returncode is not None:
                raise RuntimeError(f"{running.name} exited during start-up:\n{running.log_tail()}")
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise RuntimeError(f"{running.name} did not answer {url} in {wait_seconds:.0f} s")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def moto_server(log_dir: Path, name: str = "moto") -> AsyncIterator[str]:
    """A fresh `moto_server` on a free port; yields its endpoint URL."""
    port = free_port()
    executable = str(Path(sys.executable).parent / "moto_server")
    async with spawned(name, [executable, "-H", "127.0.0.1", "-p", str(port)], log_dir) as running:
        endpoint = f"http://127.0.0.1:{port}"
        await wait_for_http(f"{endpoint}/moto-api/", running)
        yield endpoint


@asynccontextmanager
async def app_process(
    name: str, module: str, log_dir: Path, env: Mapping[str, str], health_url: str | None
) -> AsyncIterator[RunningProcess]:
    """`python -m <module>` with `env`; waits for `health_url` when given."""
    async with spawned(name, [sys.executable, "-m", module], log_dir, env) as running:
        if health_url is not None:
            await wait_for_http(health_url, running)
        yield running


async def run_module(module: str, args: Sequence[str], env: Mapping[str, str]) -> None:
    """`python -m <module> <args>` to completion; raises with its output when it fails."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        env=process_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(
            f"python -m {module} {' '.join(args)} failed:\n{output.decode()[-3000:]}"
        )


class Postgres:
    """One PostgreSQL cluster in the run's directory; each scenario gets its own database."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self._server = PostgresServer(
            PostgresServerConfig(
                data_dir=data_dir, port=self.port, log_file=data_dir.parent / "postgres.log"
            )
        )

    async def start(self) -> None:
        await asyncio.to_thread(self._server.start)

    async def stop(self) -> None:
        await asyncio.to_thread(self._server.stop)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def fresh_database(self, name: str) -> str:
        """A new empty database `name` with the project's migrations applied; its URL."""
        connection = await asyncpg.connect(self.url("postgres"))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        url = self.url(name)
        await run_module("apps.admin", ["migrate"], {"DATABASE_URL": url})
        return url
