"""Start one of the apps (`python -m apps.…`) as its own process on given ports, for tests."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

SRC = Path(__file__).resolve().parents[2] / "src"
START_TIMEOUT_SECONDS = 30.0


def app_env(overrides: Mapping[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(SRC), LOG_FORMAT="json", PYTHONWARNINGS="ignore::DeprecationWarning")
    env.update(overrides)
    return env


@asynccontextmanager
async def running_app(
    module: str, args: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The process of `python -m <module> <args>`, killed on exit if it still runs.

    Its stderr (the log) is a pipe: read it with `communicate()` once the process is stopped.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        env=app_env(env or {}),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def wait_until_healthy(
    session: aiohttp.ClientSession, base_url: str, process: asyncio.subprocess.Process
) -> None:
    """Poll `GET /api/health` until it answers 200; fails if the process exits or times out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_SECONDS
    while True:
        assert process.returncode is None, "the service exited during start-up"
        try:
            async with session.get(f"{base_url}/api/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        assert loop.time() < deadline, f"{base_url} did not start"
        await asyncio.sleep(0.1)
