"""`checkpoints show|reset SHARD --to trim-horizon|latest [--yes]`: where the local poller
stands in each shard of the journal's stream, and moving it (the shard's lease held meanwhile)."""

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from apps.admin.stream_view import ShardView, StreamParts, StreamView, stream_view, wall_ms
from apps.admin.terminal import OK, Terminal
from apps.admin.updater_parts import updater_container
from infrastructure.settings import Settings
from infrastructure.stream_consumer import HeldLease, LeaseKey, ShardLeases, ShardRef, shard_end

TRIM_HORIZON = "trim-horizon"
LATEST = "latest"
STOP_UPDATERS_HINT = (
    "stop the updaters first (./scripts/run-single.sh stop read-model-updater, or "
    "./scripts/run-cluster.sh stop read-model-updater-N for each), then reset and start "
    "them again (up): they read on from the new checkpoint"
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "checkpoints",
        help="show or reset where the local updater stands in each shard",
        description="The local poller's checkpoints (stream_checkpoints), per shard of the "
        "journal table's current stream. On AWS, Lambda's event source mapping keeps its own.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="each shard, its checkpoint and its lease")
    show.add_argument("--json", action="store_true", help="JSON on stdout, for a script")
    show.set_defaults(run=_run_show)
    reset = actions.add_parser(
        "reset",
        help="move a shard's checkpoint to the trim horizon or the latest record",
        description="trim-horizon: every record the shard still holds is applied again "
        "(duplicates are skipped). latest: the records not applied yet are skipped. Needs "
        "the shard's lease: refused while an updater reads the shard.",
    )
    reset.add_argument("shard", metavar="SHARD", help="a shard id (checkpoints show)")
    reset.add_argument("--to", required=True, choices=(TRIM_HORIZON, LATEST))
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(run=_run_reset)


async def show_checkpoints(parts: StreamParts, terminal: Terminal, *, as_json: bool) -> int:
    view = await stream_view(parts)
    if view is None:
        return terminal.fail(f"the journal table {parts.table_name} has no stream (yet)")
    now_ms = wall_ms()
    if as_json:
        terminal.json(
            {
                "stream_arn": view.stream_arn,
                "shards": [_shard_json(shard, now_ms) for shard in view.shards],
            }
        )
        return OK
    terminal.say(f"stream {view.stream_arn}")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("shard", no_wrap=True)
    table.add_column("parent", overflow="fold")
    table.add_column("state", no_wrap=True)
    table.add_column("checkpoint", no_wrap=True)
    table.add_column("lease", overflow="fold")
    for shard in view.shards:
        table.add_row(
            Text(shard.shard.shard_id),
            Text(shard.shard.parent_shard_id or "-"),
            "closed" if shard.shard.ending_sequence_number is not None else "open",
            Text(checkpoint_label(shard)),
            Text(lease_label(shard, now_ms)),
        )
    terminal.out.print(table)
    if view.unread:
        terminal.note(
            "no checkpoint stored: the local updater has not read this stream "
            "(on AWS, Lambda's event source mapping keeps its positions itself)"
        )
    return OK


async def reset_checkpoint(
    parts: StreamParts, terminal: Terminal, shard_id: str, to: str, *, yes: bool
) -> int:
    view = await stream_view(parts)
    if view is None:
        return terminal.fail(f"the journal table {parts.table_name} has no stream (yet)")
    shard = view.shard(shard_id)
    if shard is None:
        listed = ", ".join(s.shard.shard_id for s in view.shards) or "none"
        return terminal.fail(f"the stream has no shard {shard_id} (its shards: {listed})")
    leases = ShardLeases(parts.leases, parts.lease_seconds, owner=_admin_owner())
    key = LeaseKey(view.stream_arn, shard_id)
    lost = asyncio.Event()
    lease = await leases.acquire(key, lost.set)
    if lease is None:
        holder = (await _current(parts, view, shard_id)).holder(wall_ms()) or "another updater"
        return terminal.fail(f"{holder} reads shard {shard_id}; {STOP_UPDATERS_HINT}")
    renewing = asyncio.create_task(leases.keep_renewed(lost))
    try:
        return await _reset_holding(parts, terminal, view, lease, to, yes=yes)
    finally:
        lost.set()
        with contextlib.suppress(Exception):
            await renewing
        await leases.release(key)


async def _reset_holding(
    parts: StreamParts,
    terminal: Terminal,
    view: StreamView,
    lease: HeldLease,
    to: str,
    *,
    yes: bool,
) -> int:
    """The reset itself, while this command holds the shard's lease: no updater reads it."""
    shard_id = lease.key.shard_id
    # As the last holder left it: the view was read before the lease was ours.
    shard = await _current(parts, view, shard_id)
    before = shard.position
    if to == TRIM_HORIZON:
        target = None
        consequence = "every record the shard still holds is applied again (duplicates skipped)"
        if before is None and not shard.finished:
            terminal.say(f"{shard_id} is at TRIM_HORIZON already: nothing to do")
            return OK
    else:
        with terminal.progress(f"reading {shard_id} to its latest record", None) as advance:
            end = await shard_end(parts.streams, view.stream_arn, shard_id, before, advance)
        target = end.last_sequence_number
        consequence = (
            f"{end.records_after} record(s) not applied yet are skipped: an account they "
            "change stays as it is until a later event of it (gaps are filled from the "
            "journal) or a rebuild of the read model"
        )
        if end.records_after == 0:
            terminal.say(f"{shard_id} is at its latest record already: nothing to do")
            return OK
    terminal.say(f"{shard_id}: checkpoint {_position(before)} → {_position(target)}; {consequence}")
    if not terminal.confirm(f"Reset the checkpoint of {shard_id}?", assume_yes=yes):
        return terminal.fail("nothing changed")
    if not lease.held():
        return terminal.fail(f"the lease of {shard_id} was lost meanwhile; nothing changed")
    ref = ShardRef(view.stream_arn, shard_id, parts.table_name, shard.shard.parent_shard_id)
    await parts.checkpoints.set_checkpoint(ref, target)
    terminal.say(f"{shard_id}: checkpoint {_position(target)}", style="green")
    return OK


async def _current(parts: StreamParts, view: StreamView, shard_id: str) -> ShardView:
    """The shard's view with its checkpoint and lease as stored now."""
    fresh = await stream_view(parts)
    shard = fresh.shard(shard_id) if fresh is not None else None
    if shard is None:
        shard = view.shard(shard_id)
    assert shard is not None
    return shard


def checkpoint_label(shard: ShardView) -> str:
    """The last record applied (TRIM_HORIZON: none yet), and whether the shard is done."""
    label = shard.position or "TRIM_HORIZON"
    return f"{label}, finished" if shard.finished else label


def lease_label(shard: ShardView, now_ms: int) -> str:
    holder = shard.holder(now_ms)
    if holder is None or shard.lease is None:
        return "free"
    return f"{holder} (for {(shard.lease.expires_at_ms - now_ms) / 1000:.1f} s)"


def _position(sequence_number: str | None) -> str:
    return "TRIM_HORIZON" if sequence_number is None else f"after {sequence_number}"


def _shard_json(shard: ShardView, now_ms: int) -> dict[str, Any]:
    return {
        "shard_id": shard.shard.shard_id,
        "parent_shard_id": shard.shard.parent_shard_id,
        "starting_sequence_number": shard.shard.starting_sequence_number,
        "ending_sequence_number": shard.shard.ending_sequence_number,
        "checkpoint": shard.position,
        "finished": shard.finished,
        "lease_owner": shard.holder(now_ms),
        "lease_expires_in_ms": (
            shard.lease.expires_at_ms - now_ms
            if shard.lease is not None and shard.holder(now_ms)
            else None
        ),
    }


def _admin_owner() -> str:
    """A lease owner that says who took it: host:pid:random, as an updater's, named admin."""
    return f"admin@{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


async def _run_show(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings, streams=True) as container:
        return await show_checkpoints(
            StreamParts.of(container), Terminal.standard(), as_json=args.json
        )


async def _run_reset(settings: Settings, args: argparse.Namespace) -> int:
    async with updater_container(settings, streams=True) as container:
        return await reset_checkpoint(
            StreamParts.of(container), Terminal.standard(), args.shard, args.to, yes=args.yes
        )
