"""`status`: per shard the lease holder, the checkpoint and the lag; the dead letters; and the
accounts in the read model against those in the journal (a full Scan, with progress)."""

import argparse
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from apps.admin.checkpoints import checkpoint_label, lease_label
from apps.admin.dead_letter_views import when
from apps.admin.stream_view import StreamParts, StreamView, lag_seconds, stream_view, wall_ms
from apps.admin.terminal import OK, Terminal
from apps.admin.updater_parts import updater_container
from infrastructure.settings import Settings
from infrastructure.stream_consumer import DeadLetterSummary
from interface_adapter.event_store.journal_census import (
    JournalCensus,
    ScanClient,
    approximate_event_count,
    count_journal,
)
from interface_adapter.read_model.postgres_census import ReadModelCensus, count_read_model


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "status",
        help="shards (lease, checkpoint, lag), dead letters, accounts in read model and journal",
        description="Per shard of the journal's stream: who holds its lease, its checkpoint "
        "and its lag (the age of the oldest record not applied yet); the dead letters; the "
        "accounts in the read model and in the journal. Exits 0 once it could tell.",
    )
    parser.add_argument(
        "--no-journal", action="store_true", help="skip counting the journal (a full Scan)"
    )
    parser.add_argument("--json", action="store_true", help="JSON on stdout, for a script")
    parser.set_defaults(run=_run)


@dataclass(frozen=True, slots=True)
class Report:
    stream: StreamView | None
    lags: dict[str, float | None]
    dead_letters: DeadLetterSummary
    read_model: ReadModelCensus
    journal: JournalCensus | None


async def report(
    parts: StreamParts,
    read_model: ReadModelCensus,
    journal_client: ScanClient | None,
    terminal: Terminal,
) -> Report:
    """Everything status shows; the journal is counted only with a `journal_client`."""
    view = await stream_view(parts)
    lags: dict[str, float | None] = {}
    if view is not None:
        for shard in view.shards:
            lags[shard.shard.shard_id] = await lag_seconds(parts, view.stream_arn, shard)
    journal = None
    if journal_client is not None:
        total = await approximate_event_count(journal_client, parts.table_name)
        with terminal.progress("counting the journal", total or None) as advance:
            journal = await count_journal(journal_client, parts.table_name, on_items=advance)
    return Report(view, lags, await parts.checkpoints.summarize_dead_letters(), read_model, journal)


def print_report(terminal: Terminal, report: Report, table_name: str) -> None:
    view = report.stream
    if view is None:
        terminal.say(f"stream: none (the journal table {table_name} has no stream yet)")
    else:
        terminal.say(f"stream {view.stream_arn}")
        now_ms = wall_ms()
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("shard", no_wrap=True)
        table.add_column("lease", overflow="fold")
        table.add_column("checkpoint", no_wrap=True)
        table.add_column("lag", no_wrap=True)
        for shard in view.shards:
            lag = report.lags.get(shard.shard.shard_id)
            table.add_row(
                Text(shard.shard.shard_id),
                Text(lease_label(shard, now_ms)),
                Text(checkpoint_label(shard)),
                Text(_lag_label(lag, finished=shard.finished)),
            )
        terminal.out.print(table)
        if view.unread:
            terminal.note(
                "no checkpoint stored: the local updater has not read this stream "
                "(on AWS, see the function's IteratorAge in CloudWatch)"
            )
    letters = report.dead_letters
    oldest = f" (oldest failed {when(letters.oldest_failed_at)})" if letters.count else ""
    terminal.say(
        f"dead letters: {letters.count}{oldest}", style="yellow" if letters.count else None
    )
    rows = report.read_model
    terminal.say(
        f"read model: {rows.rows} account(s), {rows.deleted} of them deleted, {rows.erased} erased"
    )
    if report.journal is not None:
        journal = report.journal
        terminal.say(
            f"journal: {journal.accounts} account(s), {journal.deleted} of them deleted, "
            f"{journal.erased} erased ({journal.events} event(s))"
        )
        # Deleted counts those not erased on both sides: an erased row keeps no deletion time.
        if (journal.accounts, journal.deleted, journal.erased) != (
            rows.rows,
            rows.deleted,
            rows.erased,
        ):
            terminal.note(
                "the read model differs from the journal: the updater may still be catching "
                "up (lag), or dead letters hold records back"
            )


def report_json(report: Report) -> dict[str, Any]:
    now_ms = wall_ms()
    view = report.stream
    letters = report.dead_letters
    return {
        "stream_arn": None if view is None else view.stream_arn,
        "shards": [
            {
                "shard_id": shard.shard.shard_id,
                "lease_owner": shard.holder(now_ms),
                "checkpoint": shard.position,
                "finished": shard.finished,
                "lag_seconds": report.lags.get(shard.shard.shard_id),
            }
            for shard in (view.shards if view is not None else [])
        ],
        "dead_letters": {
            "count": letters.count,
            "oldest_failed_at": (
                None if letters.oldest_failed_at is None else letters.oldest_failed_at.isoformat()
            ),
        },
        "read_model": {
            "accounts": report.read_model.rows,
            "deleted": report.read_model.deleted,
            "erased": report.read_model.erased,
        },
        "journal": (
            None
            if report.journal is None
            else {
                "accounts": report.journal.accounts,
                "deleted": report.journal.deleted,
                "erased": report.journal.erased,
                "events": report.journal.events,
            }
        ),
    }


def _lag_label(lag: float | None, *, finished: bool) -> str:
    if finished:
        return "- (finished)"
    if lag is None:
        return "?"
    return "0 s (caught up)" if lag == 0 else f"{lag:.1f} s"


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    terminal = Terminal.standard()
    async with updater_container(settings, streams=True) as container:
        parts = StreamParts.of(container)
        read_model = await count_read_model(container.pool())
        journal_client = None if args.no_journal else container.dynamodb_client()
        result = await report(parts, read_model, journal_client, terminal)
    if args.json:
        terminal.json(report_json(result))
    else:
        print_report(terminal, result, settings.journal_table_name)
    return OK
