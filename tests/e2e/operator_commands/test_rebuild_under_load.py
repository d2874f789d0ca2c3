"""The proof of issue 15's rebuild: a local stack holding thousands of accounts rebuilds its read
model (`run-single.sh admin rebuild-read-model`, interrupted once, then `--resume`) while commands
and queries keep coming: no query fails, the read model ends equal to a replay of the journal,
no dead letter, and the metrics count what was sent."""

import asyncio
import json
import random
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

import aiohttp
import asyncpg
import pytest

from infrastructure.crypto import LocalFileKeyWrapper
from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup
from interface_adapter.rebuild.row_columns import COLUMN_LIST, row_of
from tests.e2e.newcomer_path.stack_runner import REPO_ROOT, Stack
from tests.support.command_client import CommandClient
from tests.support.command_load import CommandLoad
from tests.support.metrics import scrape
from tests.support.query_client import QueryAnswer, QueryClient
from tests.support.sealed_journal import histories, replayed_journal, write_sealed

pytestmark = pytest.mark.e2e

SEEDED_ACCOUNTS = 3_000
JOURNAL = "journal"
KEY_TABLE = "user_account_keys"
# Limits to the waits only: the updater catching up, the rebuild starting to apply pages.
CATCH_UP_SECONDS = 180


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("rebuild") / "run")
    try:
        result = stack.run("run-single.sh", "up")
        assert result.returncode == 0, result.stdout + result.stderr
        yield stack
    finally:
        stack.run("run-single.sh", "down", "--volumes")


class QueryLoad:
    """Lists and gets, `concurrency` at a time, until `stop()`; every answer kept."""

    def __init__(self, client: QueryClient, ids: list[str], concurrency: int = 4) -> None:
        self._client = client
        self._ids = ids
        self._concurrency = concurrency
        self._stop = asyncio.Event()
        self.answers: list[QueryAnswer] = []

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        await asyncio.gather(*(self._worker(n) for n in range(self._concurrency)))

    async def _worker(self, number: int) -> None:
        pick = random.Random(number)
        while not self._stop.is_set():
            if pick.random() < 0.5:
                answer = await self._client.list_accounts(first=20)
            else:
                answer = await self._client.get_account(pick.choice(self._ids))
            self.answers.append(answer)


async def test_a_rebuild_under_load_interrupted_and_resumed_loses_nothing(stack: Stack) -> None:
    env = stack.env
    kek = stack.run_dir / "keys" / "key-encryption-key"
    database_url = f"postgresql://postgres@127.0.0.1:{env['LOCAL_POSTGRES_PORT']}/pcqrses"
    settings = Settings(dynamodb_endpoint_url=env["DYNAMODB_ENDPOINT_URL"])
    wrapper = LocalFileKeyWrapper(kek)
    seeded = histories(SEEDED_ACCOUNTS, seed=5)
    ids = [history[0].aggregate_id.value for history in seeded]
    async with dynamodb_client(settings) as dynamodb:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        try:
            await write_sealed(
                dynamodb, JOURNAL, KEY_TABLE, wrapper, [e for h in seeded for e in h]
            )
            await _until_equal_to_a_replay(pool, dynamodb, wrapper)

            command_url = f"http://127.0.0.1:{env['COMMAND_API_PORT']}"
            query_url = f"http://127.0.0.1:{env['QUERY_API_PORT']}"
            updater_url = f"http://127.0.0.1:{env['UPDATER_HTTP_PORT']}"
            async with aiohttp.ClientSession() as session:
                queries_before = await scrape(session, f"{query_url}/metrics")
                commands = CommandLoad(
                    CommandClient(session, command_url), random.Random(15), concurrency=4
                )
                queries = QueryLoad(QueryClient(session, query_url), ids)
                load = asyncio.gather(commands.run(), queries.run())
                try:
                    await commands.until_acknowledged(20)
                    interrupted = await _interrupted_rebuild(stack, pool)
                    assert interrupted == 1
                    left = await pool.fetch("SELECT events, finished FROM read_model_rebuild")
                    assert len(left) == 4
                    assert sum(record["events"] for record in left) > 0
                    # In a thread: the load goes on meanwhile.
                    resumed = await asyncio.to_thread(
                        _admin, stack, "rebuild-read-model", "--resume", "--json"
                    )
                    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
                    assert json.loads(resumed.stdout)["resumed"] is True
                    # The load goes on against the swapped-in table.
                    await commands.until_acknowledged(20)
                finally:
                    commands.stop()
                    queries.stop()
                    await load
                await _until_equal_to_a_replay(pool, dynamodb, wrapper)
                queries_after = await scrape(session, f"{query_url}/metrics")
                updater_metrics = await scrape(session, f"{updater_url}/metrics")
        finally:
            await pool.close()

    failed = [answer for answer in queries.answers if answer.status != 200 or answer.error]
    assert failed == [], failed[:3]
    assert len(queries.answers) > 0
    assert [o for o in commands.outcomes if not o.acknowledged] == []
    graphql = {"route": "/api/graphql", "status": "200"}
    counted = queries_after.total("http_requests_total", **graphql) - queries_before.total(
        "http_requests_total", **graphql
    )
    assert counted == len(queries.answers)
    assert updater_metrics.value("updater_dead_letters") == 0
    listed = _admin(stack, "dead-letters", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []


async def _interrupted_rebuild(stack: Stack, pool: Any) -> int:
    """`admin rebuild-read-model` (4 segments, pages of 200 items) sent SIGINT in the middle of
    its Scan: once it has applied a page (seen in its progress table), the test locks the shadow
    table so that no segment gets further, checks that some have not finished, interrupts it;
    its exit status."""
    process = await asyncio.create_subprocess_exec(
        str(REPO_ROOT / "scripts" / "run-single.sh"),
        "admin",
        "rebuild-read-model",
        "--segments",
        "4",
        "--page-size",
        "200",
        cwd=REPO_ROOT,
        env=stack.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with pool.acquire() as blocker:
        async with asyncio.timeout(CATCH_UP_SECONDS):
            while True:
                applied = await blocker.fetchval(
                    "SELECT coalesce(sum(events), 0) FROM read_model_rebuild"
                )
                if applied > 0:
                    break
                assert process.returncode is None, "the rebuild ended before it was interrupted"
                await asyncio.sleep(0.01)
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute("LOCK TABLE user_accounts_rebuild IN EXCLUSIVE MODE")
        unfinished = await blocker.fetchval(
            "SELECT count(*) FROM read_model_rebuild WHERE NOT finished"
        )
        assert unfinished > 0, "every segment was read before the interruption"
        process.send_signal(signal.SIGINT)
        _, errors = await process.communicate()
        await transaction.rollback()
    assert b"interrupted" in errors, errors
    assert process.returncode is not None
    return process.returncode


async def _until_equal_to_a_replay(pool: Any, dynamodb: Any, wrapper: LocalFileKeyWrapper) -> None:
    """Until the read model equals a replay of the journal (the updater catching up)."""
    async with asyncio.timeout(CATCH_UP_SECONDS):
        while True:
            ids = await _journal_accounts(dynamodb)
            keys = await BatchedKeyLookup(dynamodb, KEY_TABLE, wrapper)(ids)
            expected = await replayed_journal(dynamodb, JOURNAL, keys)
            records = await pool.fetch(f"SELECT {COLUMN_LIST} FROM user_accounts")
            rows = {row.id: row for row in map(row_of, records)}
            if rows == expected:
                return
            await asyncio.sleep(1)


async def _journal_accounts(dynamodb: Any) -> list[str]:
    request: dict[str, Any] = {"TableName": JOURNAL, "ProjectionExpression": "aggregate_id"}
    ids: set[str] = set()
    while True:
        answer = await dynamodb.scan(**request)
        ids.update(item["aggregate_id"]["S"] for item in answer.get("Items", []))
        if "LastEvaluatedKey" not in answer:
            return sorted(ids)
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _admin(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / "run-single.sh"), "admin", *args],
        cwd=REPO_ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
