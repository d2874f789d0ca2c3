"""Scenario 5a: the read-model updater catching up on a backlog in the moto stream, events/s
applied to PostgreSQL, against draining the same stream with raw `GetRecords` calls.

The backlog (creates and renames, interleaved) is written with BatchWriteItem before anything
reads. The baseline reads the whole shard from its trim horizon (Limit 1000, reusing each
NextShardIterator). The figure is the updater process applying every event: the benchmark watches
the read model (the sum of the rows' versions is the number of events applied) until all are,
and the rate counts from the moment the updater starts reading the shard (its "reading shard" log
line, logged just before its first GetRecords call) to the last event applied: process start-up,
connections and shard discovery are excluded, the first GetRecords call is not."""

import asyncio
import json
import os
import time
from datetime import datetime
from pathlib import Path

import asyncpg

from benchmarks.context import BenchContext
from benchmarks.dynamodb_journal import batch_write, journal_items
from benchmarks.report import Row, ratio_at_least
from benchmarks.services import app_process, free_port, moto_server, process_env, run_module
from benchmarks.stream_backlog import (
    backlog_events,
    clients,
    drain_with_get_records,
    only_shard,
)
from infrastructure.settings import Settings

ID = "5a"
TITLE = "read-model updater catch-up on a stream backlog"
FIGURE = "updater catch-up events/s"
TARGET = ratio_at_least(0.8)
EXPECTED = [(FIGURE, TARGET)]
SAMPLE_SECONDS = 0.05
MIN_RECORDS_PER_SECOND = 50  # below this the updater is stuck: give up


async def _watch_updater(ctx: BenchContext, url: str, total: int) -> float:
    """Sample the events applied until all are; the (wall clock) time of the last sample."""
    connection = await asyncpg.connect(url)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60 + total / MIN_RECORDS_PER_SECOND
        last_report = 0.0
        while True:
            applied = int(
                await connection.fetchval("SELECT coalesce(sum(version), 0) FROM user_accounts")
            )
            now = time.time()
            if now - last_report > 1.0 or applied >= total:
                ctx.progress.count("updater: events applied", applied, total)
                last_report = now
            if applied >= total:
                break
            if loop.time() > deadline:
                raise RuntimeError(f"the updater applied {applied} of {total} events in time")
            await asyncio.sleep(SAMPLE_SECONDS)
    finally:
        await connection.close()
    return now


def _started_reading_at(log_path: Path) -> float | None:
    """The (wall clock) time of the updater's first "reading shard" log line, if it can be read."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:  # another run emptied the log directory meanwhile
        return None
    for line in lines:
        if '"reading shard"' in line:
            return datetime.fromisoformat(json.loads(line)["time"]).timestamp()
    return None


async def run(ctx: BenchContext) -> list[Row]:
    total = ctx.size(4_000, 20_000)
    database_url = await ctx.database("s5a")
    async with moto_server(ctx.log_dir, "s5a-moto") as endpoint:
        env = {
            "DYNAMODB_ENDPOINT_URL": endpoint,
            "DATABASE_URL": database_url,
            "UPDATER_HTTP_PORT": str(free_port()),
        }
        await run_module("apps.admin", ["create-tables"], env)
        settings = Settings.from_env(process_env(env))
        async with clients(settings) as (dynamodb, streams):
            ctx.progress.phase(f"writing a backlog of {total:,} journal events (BatchWriteItem)")
            events = backlog_events(total)
            # One writer: the stream's order must be the journal's order per aggregate.
            await batch_write(
                ctx,
                dynamodb,
                settings.journal_table_name,
                journal_items(events),
                "journal items written",
                concurrency=1,
            )
            stream_arn, shard_id = await only_shard(dynamodb, streams, settings.journal_table_name)
            ctx.progress.phase("baseline: draining the stream with raw GetRecords (Limit 1000)")
            started = time.perf_counter()
            read = await drain_with_get_records(
                streams,
                stream_arn,
                shard_id,
                total,
                on_progress=lambda done: ctx.progress.count("records read", done, total),
            )
            baseline = read / (time.perf_counter() - started)
            if read != total:
                raise RuntimeError(f"the stream holds {read} records, expected {total}")
            ctx.progress.phase(f"baseline: {baseline:,.0f} records/s")

        ctx.progress.phase("figure: the read-model updater applying the backlog")
        spawned_at = time.time()
        async with app_process(
            "s5a-updater", "apps.read_model_updater", ctx.log_dir, env, None
        ) as updater:
            finished_at = await _watch_updater(ctx, database_url, total)
        read_at = _started_reading_at(updater.log_path)
    # Without the log line, the process's start-up counts too: a lower, still honest figure.
    started_at = spawned_at if read_at is None else read_at
    seconds = finished_at - started_at
    figure = total / seconds if seconds > 0 else 0.0
    ctx.progress.phase(f"figure: {figure:,.0f} events/s")
    return [
        Row(
            ID,
            FIGURE,
            figure,
            "events/s",
            TARGET,
            baseline=baseline,
            baseline_label="raw GetRecords",
            details={
                "events": total,
                "measured": "from the updater's 'reading shard' log line (just before its first "
                "GetRecords) to the first sample of the read model showing every event applied "
                f"(sampled every {SAMPLE_SECONDS * 1000:.0f} ms); process start-up excluded",
                "seconds": round(seconds, 3),
                "start_up_seconds": None if read_at is None else round(read_at - spawned_at, 3),
                "updater_settings": {
                    name: value for name, value in os.environ.items() if name.startswith("UPDATER_")
                },
            },
        )
    ]
