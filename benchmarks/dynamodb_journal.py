"""What the write-side scenarios on moto share (2, 3 and 6): the tables, a DynamoDB client, the
raw conditional `PutItem` baseline (and an HTTP load measured against it in rounds), journal items
written in bulk (sealed with the project's serializer), and the Command API on moto."""

import asyncio
import itertools
import os
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aioboto3
from aiobotocore.config import AioConfig

from benchmarks.context import BenchContext
from benchmarks.load import LoadResult, http_load, total_load
from benchmarks.rounds import alternate
from benchmarks.services import REGION, app_process, free_port, run_module
from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.journal_item import to_journal_item

JOURNAL_TABLE = "journal"
SNAPSHOT_TABLE = "snapshot"
BATCH_WRITE_LIMIT = 25  # BatchWriteItem takes at most 25 items
_NEW_ITEM_ONLY = "attribute_not_exists(pkey)"
_IDS = UlidGenerator()


def dynamodb_env(endpoint: str) -> dict[str, str]:
    """The variables that point an app (or `apps.admin`) at `endpoint`'s tables."""
    return {
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "JOURNAL_TABLE_NAME": JOURNAL_TABLE,
        "SNAPSHOT_TABLE_NAME": SNAPSHOT_TABLE,
    }


async def create_tables(endpoint: str) -> None:
    """`python -m apps.admin create-tables`, as an operator would run it."""
    await run_module("apps.admin", ["create-tables"], dynamodb_env(endpoint))


@asynccontextmanager
async def dynamodb_client(endpoint: str, connections: int = 32) -> AsyncIterator[Any]:
    """An aioboto3 DynamoDB client on `endpoint`, its pool sized for `connections` tasks."""
    config = AioConfig(
        retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=connections
    )
    session = aioboto3.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name=REGION
    )
    async with session.client("dynamodb", endpoint_url=endpoint, config=config) as client:
        yield client


@asynccontextmanager
async def command_api(
    ctx: BenchContext, name: str, endpoint: str, env: Mapping[str, str] = {}
) -> AsyncIterator[str]:
    """The Command API as a process on `endpoint`'s journal; yields its GraphQL URL."""
    port = free_port()
    variables = {
        **dynamodb_env(endpoint),
        "COMMAND_API_PORT": str(port),
        "QUERY_API_PORT": str(free_port()),
        **env,
    }
    health = f"http://127.0.0.1:{port}/api/health"
    async with app_process(name, "apps.command_api", ctx.log_dir, variables, health):
        yield f"http://127.0.0.1:{port}/api/graphql"


def journal_items(
    events: Iterable[UserAccountEvent], keys: Mapping[str, bytes] | None = None
) -> list[dict[str, Any]]:
    """The journal items of `events` as the project writes them (V2: personal data sealed), each
    account's under its key in `keys`; an account without one there gets a fresh key kept
    nowhere (items nobody decrypts: read by another process, they decode as erased)."""
    chosen = dict(keys or {})
    return [
        to_journal_item(event, chosen.setdefault(event.aggregate_id.value, os.urandom(32)))
        for event in events
    ]


def new_aggregate_id() -> UserAccountId:
    return UserAccountId(_IDS.new_id())


def account_history(aggregate_id: UserAccountId, renames: int) -> list[UserAccountEvent]:
    """A created event and `renames` renames of one account, numbered 1 .. renames + 1."""
    moment = datetime.now(UTC)
    name = UserAccountName("Ada", "Lovelace")
    events: list[UserAccountEvent] = [
        UserAccountCreated(
            _IDS.new_id(), aggregate_id, 1, moment, name, EmailAddress("ada@example.com"), None
        )
    ]
    for seq_nr in range(2, renames + 2):
        new_name = UserAccountName("Ada", f"Lovelace {seq_nr}")
        events.append(
            UserAccountRenamed(_IDS.new_id(), aggregate_id, seq_nr, moment, name, new_name)
        )
        name = new_name
    return events


@dataclass(frozen=True, slots=True)
class PutRate:
    puts: int
    seconds: float
    failed: int

    @property
    def rate(self) -> float:
        return self.puts / self.seconds if self.seconds > 0 else 0.0

    def as_details(self) -> dict[str, float | int]:
        return {"puts": self.puts, "seconds": round(self.seconds, 3), "failed": self.failed}


def total_puts(rounds: Sequence[PutRate]) -> PutRate:
    """The rounds of a baseline taken as one measurement."""
    return PutRate(
        sum(r.puts for r in rounds), sum(r.seconds for r in rounds), sum(r.failed for r in rounds)
    )


async def raw_conditional_puts(
    ctx: BenchContext, client: Any, *, concurrency: int, seconds: float, label: str
) -> PutRate:
    """Conditional `PutItem`s of journal-shaped items (a new account's created event each, with
    `attribute_not_exists(pkey)`) from `concurrency` tasks for `seconds`: the baseline."""
    [template] = journal_items(account_history(new_aggregate_id(), 0))
    puts = failed = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def worker() -> None:
        nonlocal puts, failed
        while time.perf_counter() < deadline:
            aggregate_id = _IDS.new_id()
            item = {
                **template,
                "pkey": {"S": f"UserAccount-{aggregate_id}"},
                "aggregate_id": {"S": aggregate_id},
                "event_id": {"S": _IDS.new_id()},
            }
            try:
                await client.put_item(
                    TableName=JOURNAL_TABLE, Item=item, ConditionExpression=_NEW_ITEM_ONLY
                )
                puts += 1
            except Exception:
                failed += 1

    async def report() -> None:
        while True:
            ctx.progress.count(
                f"{label} (seconds)", round(time.perf_counter() - started), round(seconds)
            )
            await asyncio.sleep(1)

    reporter = asyncio.create_task(report())
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        reporter.cancel()
    elapsed = time.perf_counter() - started
    ctx.progress.count(f"{label} (seconds)", round(seconds), round(seconds))
    return PutRate(puts, elapsed, failed)


async def against_raw_puts(
    ctx: BenchContext,
    client: Any,
    url: str,
    bodies: Sequence[str],
    *,
    label: str,
    connections: int,
    rounds: int,
    seconds: float,
    warm_up_seconds: float,
) -> tuple[PutRate, LoadResult, LoadResult]:
    """Both loads warmed up, then raw conditional `PutItem`s and POSTs of `bodies` to `url` in
    alternating rounds, each at `connections`: (baseline, figure, the HTTP warm-up)."""
    ctx.progress.phase("warming up: raw PutItem, then the Command API")
    await raw_conditional_puts(
        ctx, client, concurrency=connections, seconds=1, label="raw PutItem warm-up"
    )
    warm_up = await http_load(
        url,
        bodies,
        connections=connections,
        seconds=warm_up_seconds,
        max_requests=round(10_000 * warm_up_seconds),
    )
    puts, loads = await alternate(
        ctx,
        rounds,
        [
            (
                f"raw PutItem for {seconds:.0f} s",
                lambda: raw_conditional_puts(
                    ctx, client, concurrency=connections, seconds=seconds, label="raw PutItem"
                ),
            ),
            (
                f"{label} for {seconds:.0f} s",
                lambda: http_load(
                    url, bodies, connections=connections, seconds=seconds, max_requests=1_000_000
                ),
            ),
        ],
    )
    return total_puts(puts), total_load(loads), warm_up


async def batch_write(
    ctx: BenchContext,
    client: Any,
    table: str,
    items: Sequence[dict[str, Any]],
    label: str,
    concurrency: int = 4,
) -> None:
    """`items` written with BatchWriteItem (25 a call, unconditional), showing progress."""
    batches = iter(_chunks(items, BATCH_WRITE_LIMIT))
    done = 0

    async def worker() -> None:
        nonlocal done
        for batch in batches:
            requests: list[dict[str, Any]] = [{"PutRequest": {"Item": item}} for item in batch]
            while requests:
                answer = await client.batch_write_item(RequestItems={table: requests})
                requests = answer.get("UnprocessedItems", {}).get(table, [])
            done += len(batch)
            ctx.progress.count(label, done, len(items))

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
