"""The updater's listener (UPDATER_HTTP_PORT): health, readiness naming what fails, and /metrics
read after known traffic (every event applied counted once, the batch, the dead letter, the
lease, the lag)."""

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from domain.user_account import UserAccountId
from tests.e2e.read_model_updater.conftest import StartUpdater, wait_until
from tests.e2e.read_model_updater.test_stream_poller import Pool, wait_in_sync
from tests.support.metrics import Metrics, scrape
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.stream_events import CORRUPT_PAYLOAD
from tests.support.updater_process import UpdaterProcess
from tests.support.write_side import WriteSide

pytestmark = pytest.mark.e2e


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.get(url) as response:
        return response.status, await response.json()


async def answers(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(url) as response:
            return response.status == 200
    except aiohttp.ClientConnectionError:
        return False


async def put_corrupt_item(dynamodb: Any, table: str, account: UserAccountId) -> None:
    await dynamodb.put_item(
        TableName=table,
        Item={
            "pkey": {"S": f"UserAccount-{account.value}"},
            "skey": {"N": "1"},
            "aggregate_id": {"S": account.value},
            "payload": {"B": CORRUPT_PAYLOAD},
        },
    )


async def test_metrics_count_every_event_the_batch_the_dead_letter_and_the_lease(
    start_updater: StartUpdater,
    write: WriteSide,
    clean_postgres: Pool,
    dynamodb: Any,
    dynamodb_tables: DynamoDbTables,
    http: aiohttp.ClientSession,
) -> None:
    # Six events and one record that cannot be decoded, all in the stream before the updater
    # starts: one GetRecords answer, one batch.
    first = await write.create("Taro", "Yamada", "taro@example.com")
    second = await write.create("Hanako", "Sato", "hanako@example.com")
    await write.create("Jiro", "Suzuki", "jiro@example.com")
    await write.rename(first, "Saburo", "Yamada")
    await write.rename(first, "Shiro", "Yamada")
    await write.delete(second)
    broken = UserAccountId("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
    await put_corrupt_item(dynamodb, dynamodb_tables.journal, broken)
    updater = start_updater(UPDATER_MAX_ATTEMPTS="1")

    async def scraped() -> Metrics:
        return await scrape(http, f"{updater.url}/metrics")

    async def settled() -> bool:
        if not await answers(http, f"{updater.url}/api/health"):
            return False
        metrics = await scraped()
        return metrics.value("updater_dead_letters") == 1 and bool(
            metrics.labelled("updater_lag_seconds")
        )

    await wait_until(settled, what="the dead letter counted", process=updater)
    await wait_in_sync(
        clean_postgres, dynamodb, dynamodb_tables.journal, updater, excluding=frozenset({broken})
    )
    metrics = await scraped()
    assert metrics.value("updater_events_applied_total") == 6
    assert metrics.value("updater_batches_total", result="parked") == 1
    assert metrics.value("updater_batches_total", result="applied") == 0
    assert metrics.value("updater_batches_total", result="interrupted") == 0
    assert metrics.value("updater_shard_leases_held") == 1
    [lag] = metrics.labelled("updater_lag_seconds")
    assert lag["shard"].startswith("shardId-")

    async def caught_up() -> bool:
        return (await scraped()).value("updater_lag_seconds", **lag) == 0.0

    # Nothing more to read: the next empty poll says so.
    await wait_until(caught_up, what="a lag of 0 once caught up", process=updater)
    assert await get_json(http, f"{updater.url}/api/health") == (200, {"status": "healthy"})
    status, ready = await get_json(http, f"{updater.url}/api/health/ready")
    assert (status, ready) == (
        200,
        {"status": "ready", "checks": {"postgres": "ok", "stream": "ok", "lease": "ok"}},
    )
    # One more parked record, and a scrape counts it from the table.
    await clean_postgres.execute(
        "INSERT INTO dead_letters (stream_arn, shard_id, sequence_number, record, error,"
        " attempts, first_failed_at, last_failed_at)"
        " VALUES ('arn:other', 'shard', '1', '{}', 'test', 1, now(), now())"
    )
    assert (await scraped()).value("updater_dead_letters") == 2
    assert updater.terminate() == 0


async def test_without_postgresql_the_updater_is_alive_but_not_ready_and_says_why(
    start_updater: StartUpdater, http: aiohttp.ClientSession
) -> None:
    updater = start_updater(DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    await wait_until(
        lambda: answers(http, f"{updater.url}/api/health"), what="health", process=updater
    )
    status, ready = await get_json(http, f"{updater.url}/api/health/ready")
    assert status == 503
    assert ready["status"] == "unavailable"
    assert ready["checks"]["postgres"] != "ok"
    assert ready["checks"]["stream"] == "ok"
    # It reads nothing without its checkpoints: no lease is taken.
    assert ready["checks"]["lease"] != "ok"
    assert updater.terminate() == 0


async def test_with_metrics_off_the_updater_serves_its_health_and_no_metrics(
    start_updater: StartUpdater, http: aiohttp.ClientSession
) -> None:
    updater = start_updater(METRICS_ENABLED="false")
    await wait_until(
        lambda: answers(http, f"{updater.url}/api/health"), what="health", process=updater
    )
    async with http.get(f"{updater.url}/metrics") as response:
        assert response.status == 404
    assert updater.terminate() == 0


async def test_a_port_already_taken_stops_the_updater_naming_the_variable(
    updater_env: dict[str, str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        updater = UpdaterProcess({**updater_env, "UPDATER_HTTP_PORT": str(port)}).start()
        try:
            for _ in range(600):
                if not updater.running:
                    break
                await asyncio.sleep(0.05)
            assert updater.terminate() == 1
            assert f"port {port} is already in use; set UPDATER_HTTP_PORT" in updater.log()
        finally:
            updater.close()
