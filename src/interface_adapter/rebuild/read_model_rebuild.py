"""ReadModelRebuild: the journal's segments scanned in parallel and applied through the
projection (ProjectUserAccountEvents, apply_event) into the shadow table, their progress kept
per page; then the shadow caught up with the updater's writes and swapped in."""

import asyncio
import time
from collections.abc import Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import asyncpg

from domain.user_account import UserAccountId
from interface_adapter.event_store.journal_census import ScanClient
from interface_adapter.personal_data.batched_key_lookup import KeyLookup
from interface_adapter.rebuild.journal_segments import decode_items, scan_pages, segment_request
from interface_adapter.rebuild.rebuild_progress import SegmentProgress, load_progress, record_page
from interface_adapter.rebuild.shadow_rows import ShadowRowStore
from interface_adapter.rebuild.shadow_table import (
    SwapResult,
    catch_up,
    create_shadow,
    shadow_exists,
    swap_in,
)
from use_case.ports import UserAccountEventReader
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

DEFAULT_SEGMENTS = 4
MAX_SEGMENTS = 1000
DEFAULT_LOCK_TIMEOUT_SECONDS = 10.0
# One rebuild at a time, whatever process runs it (pg_try_advisory_lock's key).
_ADVISORY_LOCK = 0x7263_7172_6562  # "rcqreb"


class RebuildRefusedError(Exception):
    """The rebuild cannot start as asked (the operator must choose); nothing was changed."""


class RebuildMisuseError(RebuildRefusedError):
    """The options contradict the rebuild under way (e.g. another segment count)."""


class AccountsNotProjectedError(Exception):
    """Some accounts' events could not be applied (a broken history): the shadow is left as it
    is, nothing swapped; their ids and errors, never their data."""

    def __init__(self, failed: Mapping[UserAccountId, Exception]) -> None:
        shown = sorted(failed.items(), key=lambda pair: pair[0].value)[:5]
        super().__init__(
            f"{len(failed)} account(s) could not be projected: "
            + "; ".join(
                f"{account_id}: {type(error).__name__}: {error}" for account_id, error in shown
            )
        )
        self.failed = dict(failed)


@dataclass(frozen=True, slots=True)
class Plan:
    segments: list[SegmentProgress]
    resumed: bool

    @property
    def events_before(self) -> int:
        return sum(segment.events for segment in self.segments)


@dataclass(frozen=True, slots=True)
class RebuildResult:
    segments: int
    resumed: bool
    # Items of the journal read by this run (a resumed run counts only its own).
    events: int
    # Live rows copied over the shadow's (written by the updater meanwhile).
    merged: int
    rows: int
    seconds: float


class ReadModelRebuild:
    """One rebuild of the read model from `journal_table`. `on_events` is told the size of every
    page applied (a progress display); `page_size` bounds a Scan page (None: 1 MB pages)."""

    def __init__(
        self,
        pool: "asyncpg.Pool[asyncpg.Record]",
        scan_client: ScanClient,
        journal_table: str,
        keys: KeyLookup,
        journal: UserAccountEventReader,
        on_events: Callable[[int], None] = lambda count: None,
        lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
        page_size: int | None = None,
    ) -> None:
        self._pool = pool
        self._client = scan_client
        self._journal_table = journal_table
        self._keys = keys
        self._project = ProjectUserAccountEvents(ShadowRowStore(pool), journal)
        self._on_events = on_events
        self._lock_timeout = lock_timeout_seconds
        self._page_size = page_size

    async def run(
        self,
        segments: int | None,
        *,
        resume: bool,
        on_plan: Callable[[Plan], None] = lambda plan: None,
    ) -> RebuildResult:
        """Plan (`on_plan` is told it), build, swap, holding the rebuild's advisory lock
        throughout."""
        started = time.monotonic()
        async with self._pool.acquire() as holder:
            if not await holder.fetchval("SELECT pg_try_advisory_lock($1)", _ADVISORY_LOCK):
                raise RebuildRefusedError("another rebuild-read-model is running")
            try:
                plan = await self.plan(segments, resume=resume)
                on_plan(plan)
                events = await self.build(plan)
                swapped = await self.swap()
            finally:
                await holder.execute("SELECT pg_advisory_unlock($1)", _ADVISORY_LOCK)
        return RebuildResult(
            segments=len(plan.segments),
            resumed=plan.resumed,
            events=events,
            merged=swapped.merged,
            rows=swapped.rows,
            seconds=time.monotonic() - started,
        )

    async def plan(self, segments: int | None, *, resume: bool) -> Plan:
        """The segments to scan: those of the rebuild left over (with `resume`), or a new
        shadow table's. A leftover without `resume` is refused: the operator chooses."""
        leftover = await load_progress(self._pool)
        if leftover:
            total = leftover[0].total_segments
            done = sum(segment.finished for segment in leftover)
            if not resume:
                raise RebuildRefusedError(
                    f"an interrupted rebuild is left ({done} of {total} segment(s) done, "
                    f"{sum(segment.events for segment in leftover)} event(s) applied): "
                    "--resume continues it"
                )
            if segments is not None and segments != total:
                raise RebuildMisuseError(
                    f"the interrupted rebuild scans {total} segment(s), not {segments}: "
                    f"--resume without --segments (or --segments {total})"
                )
            if leftover[0].journal_table != self._journal_table:
                raise RebuildRefusedError(
                    f"the interrupted rebuild reads the journal {leftover[0].journal_table}, "
                    f"not {self._journal_table}"
                )
            if not await shadow_exists(self._pool):
                raise RebuildRefusedError(
                    "the interrupted rebuild's shadow table is gone: its progress cannot be "
                    "resumed (DELETE FROM read_model_rebuild, then rebuild again)"
                )
            return Plan(leftover, resumed=True)
        total = DEFAULT_SEGMENTS if segments is None else segments
        if not 1 <= total <= MAX_SEGMENTS:
            raise RebuildMisuseError(f"--segments must be 1 to {MAX_SEGMENTS}, not {total}")
        async with self._pool.acquire() as connection, connection.transaction():
            await create_shadow(connection, total, self._journal_table)
        return Plan(await load_progress(self._pool), resumed=False)

    async def build(self, plan: Plan) -> int:
        """Scan every unfinished segment at once into the shadow; the items read."""
        tasks = [asyncio.ensure_future(self._segment(segment)) for segment in plan.segments]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            failed = [task for task in done if not task.cancelled() and task.exception()]
            if failed:
                raise failed[0].exception()  # type: ignore[misc]
        finally:
            # One segment failed (or this was cancelled): the others stop too, so that nothing
            # writes the shadow or the progress once the rebuild has given up.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return sum(task.result() for task in tasks)

    async def swap(self) -> SwapResult:
        """Catch up without the lock, then merge and swap under it (see shadow_table)."""
        early = await catch_up(self._pool)
        swapped = await swap_in(self._pool, self._lock_timeout)
        return SwapResult(merged=early + swapped.merged, rows=swapped.rows)

    async def _segment(self, progress: SegmentProgress) -> int:
        if progress.finished:
            return 0
        request = segment_request(
            self._journal_table,
            progress.segment,
            progress.total_segments,
            progress.last_evaluated_key,
            self._page_size,
        )
        read = 0
        async with aclosing(scan_pages(self._client, request)) as pages:
            async for page in pages:
                await self._apply(page.items)
                # After the rows: a page applied again after an interruption here is all
                # duplicates, which the projection's version gate skips.
                await record_page(
                    self._pool, progress.segment, page.last_evaluated_key, len(page.items)
                )
                read += len(page.items)
                self._on_events(len(page.items))
        return read

    async def _apply(self, items: list[dict[str, Any]]) -> None:
        if not items:
            return
        summary = await self._project(await decode_items(items, self._keys))
        if summary.failed:
            raise AccountsNotProjectedError(summary.failed)
