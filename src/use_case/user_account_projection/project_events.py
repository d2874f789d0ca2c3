"""Apply a batch of journal events to the read model: idempotent, in order per aggregate."""

import asyncio
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from domain.user_account import UserAccountErased, UserAccountId
from use_case.ports import (
    NO_ERASURE_FOLLOW_UP,
    ErasureFollowUp,
    JournalEvent,
    ReadModelConflictError,
    RowChange,
    UserAccountEventReader,
    UserAccountRow,
    UserAccountRowStore,
)
from use_case.user_account_projection.apply_event import apply_event
from use_case.user_account_projection.errors import JournalGapError

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ProjectionSummary:
    """What a batch did. Events of a `failed` aggregate were left for a later delivery."""

    applied: int = 0
    duplicates: int = 0
    gaps_filled: int = 0
    failed: Mapping[UserAccountId, Exception] = field(default_factory=dict)
    # The batch's accounts whose rows are erased, by this batch or before it: whatever else of
    # theirs comes along has nothing left to apply.
    erased: frozenset[UserAccountId] = frozenset()


@dataclass(frozen=True, slots=True)
class _AggregatePlan:
    """The row one aggregate ends at, and how it got there."""

    row: UserAccountRow | None
    applied: int
    duplicates: int
    gaps_filled: int


class ProjectUserAccountEvents:
    """Event n is applied only on a row at version n-1: lower ones are duplicates, and missing
    ones in between are read from the journal first. One load and one save per batch; a save
    that lost a race to another updater is redone from a fresh load, a bounded number of times.

    An erasure needs none of the events before it: it applies at once, over a gap or a row held
    back by a failed event, and nothing after it changes the row. Once the erased rows are
    committed, `after_erasure` destroys what could still read the accounts' personal data; it
    runs again for an erasure delivered again (it is idempotent), so a failed call is redone.
    """

    def __init__(
        self,
        rows: UserAccountRowStore,
        journal: UserAccountEventReader,
        max_attempts: int = MAX_ATTEMPTS,
        after_erasure: ErasureFollowUp = NO_ERASURE_FOLLOW_UP,
    ) -> None:
        self._rows = rows
        self._journal = journal
        self._max_attempts = max_attempts
        self._after_erasure = after_erasure

    async def __call__(self, events: Sequence[JournalEvent]) -> ProjectionSummary:
        by_aggregate = _group_by_aggregate(events)
        for attempt in range(1, self._max_attempts + 1):
            stored = await self._rows.load_rows(list(by_aggregate))
            plans, failed = await self._plan_all(stored, by_aggregate)
            changes = [
                RowChange(plan.row, _version(stored.get(account_id)))
                for account_id in by_aggregate
                if (plan := plans.get(account_id)) is not None
                and plan.row is not None
                and plan.applied + plan.gaps_filled > 0
            ]
            try:
                await self._rows.save_rows(changes)
            except ReadModelConflictError:
                if attempt == self._max_attempts:
                    raise
                continue
            erasures = [
                account_id
                for account_id, plan in plans.items()
                if _is_erased(plan.row) and any(map(_is_erasure, by_aggregate[account_id]))
            ]
            if erasures:
                await self._after_erasure(erasures)
            return _summarise(plans, failed)
        raise AssertionError("unreachable")  # pragma: no cover

    async def erased_among(self, ids: Collection[UserAccountId]) -> set[UserAccountId]:
        """The accounts among `ids` whose rows are erased."""
        stored = await self._rows.load_rows(ids) if ids else {}
        return {account_id for account_id, row in stored.items() if _is_erased(row)}

    async def _plan_all(
        self,
        stored: Mapping[UserAccountId, UserAccountRow],
        by_aggregate: Mapping[UserAccountId, list[JournalEvent]],
    ) -> tuple[dict[UserAccountId, _AggregatePlan], dict[UserAccountId, Exception]]:
        """Each aggregate's plan, or why it failed. Events that follow their row are folded at
        once (the usual case: no task per aggregate); those with a gap read the journal first,
        all such reads at the same time."""
        plans: dict[UserAccountId, _AggregatePlan] = {}
        failed: dict[UserAccountId, Exception] = {}
        with_gaps: list[UserAccountId] = []
        for account_id, account_events in by_aggregate.items():
            try:
                plan = _plan_in_hand(stored.get(account_id), account_events)
            except Exception as error:
                # One aggregate's broken history must not hold the others.
                failed[account_id] = error
                continue
            if plan is None:
                with_gaps.append(account_id)
            else:
                plans[account_id] = plan
        if not with_gaps:
            return plans, failed
        outcomes = await asyncio.gather(
            *(
                self._plan(stored.get(account_id), account_id, by_aggregate[account_id])
                for account_id in with_gaps
            ),
            return_exceptions=True,
        )
        for account_id, outcome in zip(with_gaps, outcomes, strict=True):
            if isinstance(outcome, _AggregatePlan):
                plans[account_id] = outcome
            elif isinstance(outcome, Exception):
                # Nor must one aggregate's failed journal read.
                failed[account_id] = outcome
            else:
                raise outcome
        return plans, failed

    async def _plan(
        self,
        stored: UserAccountRow | None,
        account_id: UserAccountId,
        batch: list[JournalEvent],
    ) -> _AggregatePlan:
        """Fold the new events of one aggregate (any order, repeats included) into its row."""
        version, new, duplicates = _new_events(stored, batch)
        if not new:
            return _AggregatePlan(stored, 0, duplicates, 0)
        last = max(new)
        wanted = range(version + 1, last + 1)
        from_journal: dict[int, JournalEvent] = {}
        if len(new) != len(wanted):
            journal_events = await self._journal.read_events(account_id, version, last)
            from_journal = {
                event.seq_nr: event for event in journal_events if event.seq_nr not in new
            }
            missing = [
                seq_nr for seq_nr in wanted if seq_nr not in new and seq_nr not in from_journal
            ]
            if missing:
                raise JournalGapError(account_id, missing)
        row = _fold(stored, wanted, {**from_journal, **new})
        return _AggregatePlan(row, len(new), duplicates, len(from_journal))


def _plan_in_hand(
    stored: UserAccountRow | None, batch: list[JournalEvent]
) -> _AggregatePlan | None:
    """The plan when the batch holds every event after the row's version; None on a gap."""
    version, new, duplicates = _new_events(stored, batch)
    if not new:
        return _AggregatePlan(stored, 0, duplicates, 0)
    erasure = next((event for event in new.values() if _is_erasure(event)), None)
    if erasure is not None:
        # Whatever comes before it, parked or missing, the erasure wipes: nothing to read.
        return _AggregatePlan(apply_event(stored, erasure), len(new), duplicates, 0)
    last = max(new)
    if len(new) != last - version:
        return None
    return _AggregatePlan(_fold(stored, range(version + 1, last + 1), new), len(new), duplicates, 0)


def _new_events(
    stored: UserAccountRow | None, batch: list[JournalEvent]
) -> tuple[int, dict[int, JournalEvent], int]:
    """The row's version, the batch's events after it by sequence number, and how many of the
    batch's events were duplicates (at or below the version, or repeated, or of an erased row:
    nothing follows an erasure)."""
    version = _version(stored)
    if _is_erased(stored):
        return version, {}, len(batch)
    new = {event.seq_nr: event for event in batch if event.seq_nr > version}
    return version, new, len(batch) - len(new)


def _fold(
    row: UserAccountRow | None, seq_nrs: range, events: Mapping[int, JournalEvent]
) -> UserAccountRow | None:
    """`row` with the events numbered `seq_nrs` applied in order."""
    for seq_nr in seq_nrs:
        row = apply_event(row, events[seq_nr])
    return row


def _group_by_aggregate(
    events: Sequence[JournalEvent],
) -> dict[UserAccountId, list[JournalEvent]]:
    grouped: dict[UserAccountId, list[JournalEvent]] = {}
    for event in events:
        grouped.setdefault(event.aggregate_id, []).append(event)
    return grouped


def _version(row: UserAccountRow | None) -> int:
    return 0 if row is None else row.version


def _is_erased(row: UserAccountRow | None) -> bool:
    return row is not None and row.erased_at is not None


def _is_erasure(event: JournalEvent) -> bool:
    return isinstance(event, UserAccountErased)


def _summarise(
    plans: Mapping[UserAccountId, _AggregatePlan], failed: Mapping[UserAccountId, Exception]
) -> ProjectionSummary:
    return ProjectionSummary(
        applied=sum(plan.applied for plan in plans.values()),
        duplicates=sum(plan.duplicates for plan in plans.values()),
        gaps_filled=sum(plan.gaps_filled for plan in plans.values()),
        failed=failed,
        erased=frozenset(account_id for account_id, plan in plans.items() if _is_erased(plan.row)),
    )
