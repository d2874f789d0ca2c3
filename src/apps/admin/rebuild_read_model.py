"""`rebuild-read-model [--segments N] [--resume]`: the read model rebuilt from the journal into a
shadow table and swapped in while the Query API answers and the updater applies (README)."""

import argparse
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict
from typing import Any

import asyncpg
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from apps.admin.terminal import MISUSE, OK, Advance, Terminal
from infrastructure.crypto import open_key_wrapper
from infrastructure.dynamodb.clients import client_arguments
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.journal_census import approximate_event_count
from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from interface_adapter.rebuild.journal_segments import UndecodableJournalItemError
from interface_adapter.rebuild.read_model_rebuild import (
    DEFAULT_LOCK_TIMEOUT_SECONDS,
    DEFAULT_SEGMENTS,
    MAX_SEGMENTS,
    AccountsNotProjectedError,
    Plan,
    ReadModelRebuild,
    RebuildMisuseError,
    RebuildRefusedError,
    RebuildResult,
)

APPLICATION_NAME = "admin-rebuild"
# A Scan page (1 MB) answers in well under a second on DynamoDB; an emulator holding a large
# journal takes much longer, and the rebuild has nobody waiting on a request.
SCAN_READ_TIMEOUT_SECONDS = 300
_RESUME_HINT = "the live read model is unchanged; `rebuild-read-model --resume` continues"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "rebuild-read-model",
        help="rebuild the read model from the journal (shadow table, swapped in atomically)",
        description="Scan the journal in parallel segments, apply every event through the "
        "projection into the shadow table user_accounts_rebuild, then swap it in for "
        "user_accounts in one transaction (queries wait a moment, the updater's writes made "
        "meanwhile are kept). Progress is kept per segment: --resume continues an interrupted "
        "rebuild; without it a leftover one is refused. Exit 0 done, 1 failed, 2 misused.",
    )
    parser.add_argument(
        "--segments",
        type=_segments,
        default=None,
        help=f"parallel Scan segments (default {DEFAULT_SEGMENTS}; --resume: the interrupted "
        "rebuild's)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue the interrupted rebuild (if any)"
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_LOCK_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="how long the swap may wait for the read model's lock (default %(default)s s)",
    )
    parser.add_argument(
        "--page-size",
        type=_page_size,
        default=None,
        metavar="ITEMS",
        help="items per Scan page (default: DynamoDB's pages of up to 1 MB); smaller pages "
        "keep the progress finer and lose less work to an interruption",
    )
    parser.add_argument("--json", action="store_true", help="the result as JSON on stdout")
    parser.set_defaults(run=_run)


def _page_size(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _segments(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_SEGMENTS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_SEGMENTS}")
    return value


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    terminal = Terminal.standard()
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(_dynamodb_client(settings))
        wrapper = await stack.enter_async_context(open_key_wrapper(settings))
        segments = args.segments or DEFAULT_SEGMENTS
        pool = await stack.enter_async_context(_pool(settings, segments))
        journal = DynamoDbUserAccountRepository(
            client,
            settings.journal_table_name,
            settings.snapshot_table_name,
            settings.snapshot_interval,
            DynamoDbDataKeys(client, settings.key_table_name, wrapper),
        )
        total = await approximate_event_count(client, settings.journal_table_name)
        progress = stack.enter_context(
            terminal.progress("rebuilding the read model", total or None, rate_unit="events/s")
        )
        rebuild = ReadModelRebuild(
            pool,
            client,
            settings.journal_table_name,
            BatchedKeyLookup(client, settings.key_table_name, wrapper),
            journal,
            on_events=progress,
            lock_timeout_seconds=args.lock_timeout,
            page_size=args.page_size,
        )
        try:
            result = await rebuild.run(
                args.segments, resume=args.resume, on_plan=lambda plan: _planned(plan, progress)
            )
        except RebuildMisuseError as error:
            terminal.fail(str(error))
            return MISUSE
        except RebuildRefusedError as error:
            return terminal.fail(str(error))
        except (AccountsNotProjectedError, UndecodableJournalItemError) as error:
            return terminal.fail(f"{error}; {_RESUME_HINT} once it is fixed")
        except asyncpg.LockNotAvailableError:
            return terminal.fail(
                f"the swap waited {args.lock_timeout} s for the read model's lock and gave up; "
                f"{_RESUME_HINT} (the segments read are kept: it only swaps)"
            )
        except Exception as error:
            return terminal.fail(f"{type(error).__name__}: {error}; {_RESUME_HINT}")
    _report(terminal, result, as_json=args.json)
    return OK


def _planned(plan: Plan, progress: Advance) -> None:
    if plan.events_before:
        progress(plan.events_before)


def _report(terminal: Terminal, result: RebuildResult, *, as_json: bool) -> None:
    if as_json:
        terminal.json(asdict(result))
        return
    rate = result.events / result.seconds if result.seconds > 0 else 0.0
    resumed = ", resumed" if result.resumed else ""
    terminal.say(
        f"read model rebuilt from the journal: {result.events} event(s) read in "
        f"{result.seconds:.1f} s ({rate:,.0f} events/s, {result.segments} segment(s){resumed})"
    )
    terminal.say(
        f"{result.rows} account(s) in the read model; {result.merged} row(s) the updater wrote "
        "meanwhile kept at the swap"
    )


@asynccontextmanager
async def _dynamodb_client(settings: Settings) -> AsyncIterator[Any]:
    """The services' DynamoDB client, with a read timeout for long Scan pages."""
    arguments = client_arguments(settings)
    arguments["config"] = arguments["config"].merge(
        AioConfig(read_timeout=SCAN_READ_TIMEOUT_SECONDS)
    )
    async with get_session().create_client("dynamodb", **arguments) as client:
        yield client


@asynccontextmanager
async def _pool(settings: Settings, segments: int) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    # One connection per segment writing, one holding the advisory lock, one for progress.
    pool = await create_pool(
        settings.database_url, application_name=APPLICATION_NAME, min_size=1, max_size=segments + 2
    )
    try:
        yield pool
    finally:
        await pool.close()
