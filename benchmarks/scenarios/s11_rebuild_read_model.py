"""Scenario 11: `rebuild-read-model` from a journal on moto, events/s into PostgreSQL, against a
raw parallel `Scan` of the same table on the same moto (same segments, same projection, strongly
consistent), in the same run.

moto is benchmarks.scan_moto_server: plain moto re-sorts the whole table for every Scan page,
which both sides would spend most of their time on. The journal (creates and three renames per
account, V2: personal data sealed under each account's key, the keys wrapped in the key table)
is written with BatchWriteItem before anything reads. The figure is the command as an operator
runs it (`python -m apps.admin rebuild-read-model --json`): the events it read over the seconds
it reports, from planning to the swap (process start-up and connections excluded; decoding, the
projection, PostgreSQL and the swap included)."""

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from apps.admin.rebuild_read_model import SCAN_READ_TIMEOUT_SECONDS
from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import batch_write, journal_items
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import free_port, process_env, run_module, spawned, wait_for_http
from benchmarks.stream_backlog import backlog_events
from infrastructure.crypto import LocalFileKeyWrapper, new_key
from infrastructure.dynamodb.clients import client_arguments
from infrastructure.settings import Settings
from interface_adapter.personal_data.dynamodb_data_keys import CONTEXT_KEY, WRAPPED_BY, WRAPPED_KEY
from interface_adapter.rebuild.journal_segments import scan_pages, segment_request

ID = "11"
TITLE = "read model rebuilt from the journal"
FIGURE = "rebuild-read-model events/s"
TARGET = ratio_at_least(0.7)
EXPECTED = [(FIGURE, TARGET)]
SEGMENTS = 4


@asynccontextmanager
async def _scan_moto_server(log_dir: Path) -> AsyncIterator[str]:
    """moto with a segment's Scan read from its start key (benchmarks.scan_moto_server)."""
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.scan_moto_server", "-H", "127.0.0.1", "-p", str(port)]
    async with spawned("s11-moto", argv, log_dir) as running:
        endpoint = f"http://127.0.0.1:{port}"
        await wait_for_http(f"{endpoint}/moto-api/", running)
        yield endpoint


@asynccontextmanager
async def _long_waiting_client(settings: Settings) -> AsyncIterator[Any]:
    """The services' DynamoDB client with the rebuild command's read timeout for Scan pages."""
    arguments = client_arguments(settings)
    arguments["config"] = arguments["config"].merge(
        AioConfig(read_timeout=SCAN_READ_TIMEOUT_SECONDS)
    )
    async with get_session().create_client("dynamodb", **arguments) as client:
        yield client


async def _warm_up(client: Any, table: str) -> None:
    await asyncio.gather(
        *(
            client.scan(**segment_request(table, number, SEGMENTS, None), Limit=1)
            for number in range(SEGMENTS)
        )
    )


async def _raw_parallel_scan(ctx: BenchContext, client: Any, table: str, total: int) -> int:
    """Every item of `table`, `SEGMENTS` segments at once, each reading its pages in turn (the
    next page asked for while one is counted, as the rebuild does)."""
    read = 0

    async def segment(number: int) -> None:
        nonlocal read
        async for page in scan_pages(client, segment_request(table, number, SEGMENTS, None)):
            read += len(page.items)
            ctx.progress.count("items scanned", read, total)

    await asyncio.gather(*(segment(number) for number in range(SEGMENTS)))
    return read


async def _write_keys(
    ctx: BenchContext,
    client: Any,
    table: str,
    wrapper: LocalFileKeyWrapper,
    keys: dict[str, bytes],
) -> None:
    """Each account's key wrapped into the key table, as DynamoDbDataKeys stores it."""
    items = []
    for account_id, key in keys.items():
        wrapped = await wrapper.wrap(key, {CONTEXT_KEY: account_id})
        items.append(
            {
                "pkey": {"S": account_id},
                WRAPPED_KEY: {"B": wrapped.blob},
                WRAPPED_BY: {"S": wrapped.wrapped_by},
            }
        )
    await batch_write(ctx, client, table, items, "keys written")


async def run(ctx: BenchContext) -> list[Row]:
    total = ctx.size(20_000, 300_000)
    database_url = await ctx.database("s11")
    async with _scan_moto_server(ctx.log_dir) as endpoint:
        env = {
            "DYNAMODB_ENDPOINT_URL": endpoint,
            "DATABASE_URL": database_url,
            "LOCAL_KEK_FILE": str(ctx.work_dir / "s11-kek"),
        }
        await run_module("apps.admin", ["create-tables"], env)
        settings = Settings.from_env(process_env(env))
        wrapper = LocalFileKeyWrapper(settings.kek_file)
        async with _long_waiting_client(settings) as dynamodb:
            ctx.progress.phase(f"writing a journal of {total:,} events (BatchWriteItem)")
            events = backlog_events(total)
            keys = {event.aggregate_id.value: new_key() for event in events}
            await _write_keys(ctx, dynamodb, settings.key_table_name, wrapper, keys)
            await batch_write(
                ctx,
                dynamodb,
                settings.journal_table_name,
                journal_items(events, keys),
                "journal items written",
            )
            # Each segment's first page sorts the table once on the server: for neither side.
            await _warm_up(dynamodb, settings.journal_table_name)
            ctx.progress.phase(f"baseline: a raw parallel Scan ({SEGMENTS} segments)")
            started = time.perf_counter()
            scanned = await _raw_parallel_scan(ctx, dynamodb, settings.journal_table_name, total)
            baseline = scanned / (time.perf_counter() - started)
            if scanned != total:
                raise RuntimeError(f"the journal holds {scanned} items, expected {total}")
            ctx.progress.phase(f"baseline: {baseline:,.0f} items/s")

        ctx.progress.phase("figure: rebuild-read-model")
        report = await _rebuild(env)
    figure = report["events"] / report["seconds"] if report["seconds"] > 0 else 0.0
    if report["events"] != total or report["rows"] != total // 4:
        raise RuntimeError(f"the rebuild read {report['events']} events into {report['rows']} rows")
    ctx.progress.phase(f"figure: {figure:,.0f} events/s")
    return [
        Row(
            ID,
            FIGURE,
            figure,
            "events/s",
            TARGET,
            baseline=baseline,
            baseline_label="raw parallel Scan",
            details={
                "events": total,
                "accounts": total // 4,
                "segments": SEGMENTS,
                "seconds": round(report["seconds"], 3),
                "quick": ctx.quick,
                "measured": "the command's own seconds (planning to swap), start-up excluded; "
                "the baseline Scan reads the same attributes (pkey, skey, payload)",
            },
        )
    ]


async def _rebuild(env: dict[str, str]) -> dict[str, Any]:
    """`python -m apps.admin rebuild-read-model --json` to completion: its report."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "apps.admin",
        "rebuild-read-model",
        "--segments",
        str(SEGMENTS),
        "--json",
        env=process_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"rebuild-read-model failed:\n{errors.decode()[-3000:]}")
    report: dict[str, Any] = json.loads(output)
    return report
