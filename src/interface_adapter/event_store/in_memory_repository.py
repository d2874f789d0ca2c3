"""InMemoryUserAccountRepository: journal and snapshots in dicts, for tests and in-memory mode."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from domain.user_account import (
    NotCreated,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
    replay,
)
from interface_adapter.event_store.in_memory_records import (
    EventRecord,
    event_from_record,
    event_record,
)
from interface_adapter.event_store.snapshot_policy import snapshot_due
from use_case.ports import ConcurrencyConflictError

EventListener = Callable[[Sequence[UserAccountEvent]], Awaitable[None]]


class InMemoryUserAccountRepository:
    """Keeps every event per aggregate and a snapshot every `snapshot_interval` events.

    Events are kept as records (in_memory_records), out of the garbage collector's way, in a
    tuple per aggregate, keyed by the id's text.
    """

    def __init__(self, snapshot_interval: int = 100) -> None:
        self._snapshot_interval = snapshot_interval
        self._journal: dict[str, tuple[EventRecord, ...]] = {}
        self._snapshots: dict[UserAccountId, UserAccountState] = {}
        self._listeners: list[EventListener] = []
        self._lock = asyncio.Lock()

    def subscribe(self, listener: EventListener) -> None:
        """Call `listener` with the events of every successful append, in commit order."""
        self._listeners.append(listener)

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        snapshot = self._snapshots.get(aggregate_id, NotCreated(aggregate_id))
        return replay(snapshot, self._events(aggregate_id, snapshot.version, None))

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        if not events:
            return
        aggregate_id = events[0].aggregate_id
        async with self._lock:
            journal = self._journal.get(aggregate_id.value, ())
            if len(journal) != expected_version:
                raise ConcurrencyConflictError(aggregate_id, expected_version)
            journal += tuple(event_record(event) for event in events)
            self._journal[aggregate_id.value] = journal
            if snapshot_due(expected_version, len(journal), self._snapshot_interval):
                self._keep_newer_snapshot(await self.load(aggregate_id))
            for listener in self._listeners:
                await listener(events)

    async def save_snapshot(self, state: UserAccountState) -> bool:
        """Keep `state` as the snapshot unless a newer one is stored; True when written."""
        return self._keep_newer_snapshot(state)

    def _keep_newer_snapshot(self, state: UserAccountState) -> bool:
        current = self._snapshots.get(state.id)
        if current is not None and current.version >= state.version:
            return False
        self._snapshots[state.id] = state
        return True

    async def read_snapshot(self, aggregate_id: UserAccountId) -> UserAccountState | None:
        """The aggregate's latest snapshot, or None."""
        return self._snapshots.get(aggregate_id)

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        """The events numbered after_seq_nr+1 .. up_to_seq_nr (or the last), in order."""
        return self._events(aggregate_id, after_seq_nr, up_to_seq_nr)

    def events_of(self, aggregate_id: UserAccountId) -> list[UserAccountEvent]:
        """Every stored event of one aggregate, in order (for tests and the read side)."""
        return self._events(aggregate_id, 0, None)

    def snapshot_of(self, aggregate_id: UserAccountId) -> UserAccountState | None:
        return self._snapshots.get(aggregate_id)

    def _events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None
    ) -> list[UserAccountEvent]:
        # Sequence numbers are 1..n without gaps, so event n sits at index n-1.
        journal = self._journal.get(aggregate_id.value, ())
        return [
            event_from_record(record) for record in journal[max(after_seq_nr, 0) : up_to_seq_nr]
        ]
