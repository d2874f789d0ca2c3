"""METRICS_ENABLED off serves no /metrics and counts nothing; METRICS_PORT gives a process a
metrics listener of its own beside the API's port."""

import asyncio
import signal

import aiohttp
import pytest

from apps.command_api.container import CommandApiContainer
from infrastructure.settings import Settings
from tests.e2e.auth.served import command_api, query_api
from tests.e2e.command_api.graphql_http import CREATE
from tests.support.api_process import running_app, wait_until_healthy
from tests.support.metrics import delta, scrape
from tests.support.ports import free_port
from use_case.ports import NoCommandObserver

pytestmark = pytest.mark.e2e

NEW_ACCOUNT = {"input": {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "t@e.co"}}


async def test_with_metrics_off_no_metrics_are_served_and_commands_observe_nothing() -> None:
    off = Settings(metrics_enabled=False)
    async with command_api(off) as served:
        served.fresh_journal()
        created = await served.client.post(
            "/api/graphql", json={"query": CREATE, "variables": NEW_ACCOUNT}
        )
        assert "errors" not in await created.json()
        assert (await served.client.get("/metrics")).status == 404
        container: CommandApiContainer = served.container
        assert isinstance(container.command_observer(), NoCommandObserver)
    async with query_api(off) as client:
        assert (await client.get("/metrics")).status == 404
        assert (await client.get("/api/health")).status == 200


@pytest.mark.parametrize(
    ("module", "port_variable"),
    [("apps.command_api", "COMMAND_API_PORT"), ("apps.query_api", "QUERY_API_PORT")],
)
async def test_metrics_port_serves_the_process_metrics_on_a_port_of_its_own(
    module: str, port_variable: str
) -> None:
    api_port, metrics_port = free_port(), free_port()
    env = {port_variable: str(api_port), "METRICS_PORT": str(metrics_port)}
    async with (
        running_app(module, ["--in-memory"], env) as process,
        aiohttp.ClientSession() as session,
    ):
        api = f"http://127.0.0.1:{api_port}"
        await wait_until_healthy(session, api, process)
        own = f"http://127.0.0.1:{metrics_port}/metrics"
        before = await scrape(session, own)
        for _ in range(3):
            async with session.get(f"{api}/api/health") as response:
                assert response.status == 200
        after = await scrape(session, own)
        labels = {"route": "/api/health", "status": "200", "code": "none"}
        assert delta(before, after, "http_requests_total", **labels) == 3
        # The metrics listener's own requests are not the API's: not counted.
        assert after.total("http_requests_total", route="/metrics") == 0
        # The API's port serves the same registry.
        on_api_port = await scrape(session, f"{api}/metrics")
        assert on_api_port.value("http_requests_total", **labels) == after.value(
            "http_requests_total", **labels
        )
        assert after.has("process_cpu_seconds_total")
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0


async def test_a_metrics_port_already_taken_stops_the_api_naming_the_variable() -> None:
    api_port = free_port()
    async with running_app(
        "apps.command_api",
        ["--in-memory"],
        {"COMMAND_API_PORT": str(api_port), "METRICS_PORT": str(api_port)},
    ) as process:
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "METRICS_PORT" in stderr.decode()
