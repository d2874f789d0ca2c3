"""`python -m apps.command_api --in-memory` as its own process: serves, stops, reports ports."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

SRC = Path(__file__).resolve().parents[3] / "src"
START_TIMEOUT_SECONDS = 30.0


def service_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        COMMAND_API_HOST="127.0.0.1",
        COMMAND_API_PORT=str(port),
        PYTHONPATH=str(SRC),
        LOG_FORMAT="json",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    return env


async def start_service(port: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "apps.command_api",
        "--in-memory",
        env=service_env(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_until_healthy(
    session: aiohttp.ClientSession, base_url: str, process: asyncio.subprocess.Process
) -> None:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT_SECONDS
    while True:
        assert process.returncode is None, "the service exited during start-up"
        try:
            async with session.get(f"{base_url}/api/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        assert asyncio.get_running_loop().time() < deadline, "the service did not start"
        await asyncio.sleep(0.1)


@pytest.fixture
async def running_service() -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    process = await start_service(port)
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_the_service_answers_a_mutation_and_stops_cleanly_on_sigterm(
    running_service: tuple[str, asyncio.subprocess.Process],
) -> None:
    base_url, process = running_service
    async with aiohttp.ClientSession() as session:
        await wait_until_healthy(session, base_url, process)
        async with session.post(
            f"{base_url}/api/graphql",
            json={
                "query": 'mutation { createUserAccount(input: {firstName: "A", lastName: "B",'
                ' emailAddress: "a@example.com"}) { version } }'
            },
        ) as response:
            answer = await response.json()

    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)

    assert answer == {"data": {"createUserAccount": {"version": 1}}}
    assert process.returncode == 0
    log = stderr.decode()
    assert '"message": "listening"' in log
    assert '"message": "stopping"' in log


@pytest.fixture
def taken_port() -> Iterator[socket.socket]:
    """A socket listening on a free port of 127.0.0.1: that port is taken."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield holder
    finally:
        holder.close()


async def test_a_taken_port_is_reported_with_the_variable_to_change(
    taken_port: socket.socket,
) -> None:
    port = taken_port.getsockname()[1]
    process = await start_service(port)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT_SECONDS)

    assert process.returncode != 0
    message = f"port {port} is already in use; set COMMAND_API_PORT to use another"
    assert message in stderr.decode()
    assert "Traceback" not in stderr.decode()
