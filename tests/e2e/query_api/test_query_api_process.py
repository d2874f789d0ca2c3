"""`python -m apps.query_api` as its own process: up while PostgreSQL is down, stops cleanly."""

import asyncio
import signal

import aiohttp
import pytest

from tests.support.api_process import running_app, wait_until_healthy
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e


async def test_the_service_starts_without_postgres_reports_it_and_stops_on_sigterm() -> None:
    port = free_port()
    env = {
        "QUERY_API_HOST": "127.0.0.1",
        "QUERY_API_PORT": str(port),
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/pcqrses",
    }
    base_url = f"http://127.0.0.1:{port}"
    async with running_app("apps.query_api", env=env) as process:
        async with aiohttp.ClientSession() as session:
            await wait_until_healthy(session, base_url, process)
            async with session.get(f"{base_url}/api/health/ready") as response:
                ready = (response.status, await response.json())
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)

    status, body = ready
    assert status == 503
    assert body["status"] == "unavailable"
    # asyncio says "Connect call failed", uvloop (the services run on it) "Connection refused".
    assert "ConnectionRefusedError" in body["checks"]["postgres"]
    assert process.returncode == 0
    log = stderr.decode()
    assert '"message": "listening"' in log
    assert '"message": "stopping"' in log


async def test_in_memory_flag_serves_an_empty_read_model() -> None:
    port = free_port()
    env = {"QUERY_API_PORT": str(port), "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    base_url = f"http://127.0.0.1:{port}"
    async with running_app("apps.query_api", ["--in-memory"], env=env) as process:
        async with aiohttp.ClientSession() as session:
            await wait_until_healthy(session, base_url, process)
            async with session.get(f"{base_url}/api/health/ready") as response:
                ready = (response.status, await response.json())
            async with session.post(
                f"{base_url}/api/graphql", json={"query": "{ getUserAccounts { id } }"}
            ) as response:
                answer = await response.json()
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=15)

    assert ready == (200, {"status": "ready", "checks": {"in-memory": "ok"}})
    assert answer == {"data": {"getUserAccounts": []}}
    assert process.returncode == 0
