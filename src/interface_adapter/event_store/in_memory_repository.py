"""InMemoryUserAccountRepository: journal and snapshots in dicts, for tests and in-memory mode."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from domain.user_account import (
    NotCreated,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
)
from interface_adapter.event_store.account_history import (
    erased_state,
    key_for_events,
    key_for_snapshot,
    replay_journal,
)
from interface_adapter.event_store.in_memory_records import (
    EventRecord,
    event_from_record,
    event_record,
    is_erasure_record,
    needs_key,
)
from interface_adapter.event_store.snapshot_policy import snapshot_due
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    serialize_snapshot,
)
from use_case.ports import ConcurrencyConflictError, JournalEvent

EventListener = Callable[[Sequence[UserAccountEvent]], Awaitable[None]]


class InMemoryUserAccountRepository:
    """Keeps every event per aggregate and a snapshot every `snapshot_interval` events.

    Events are kept as records (in_memory_records), out of the garbage collector's way, in a
    tuple per aggregate, keyed by the id's text; snapshots as their serialized bytes. Personal
    data is sealed under the account's key in `data_keys`, as the DynamoDB repository seals it.
    """

    def __init__(self, data_keys: DataKeys, snapshot_interval: int = 100) -> None:
        self._keys = data_keys
        self._snapshot_interval = snapshot_interval
        self._journal: dict[str, tuple[EventRecord, ...]] = {}
        # version, UserAccountSnapshot bytes
        self._snapshots: dict[str, tuple[int, bytes]] = {}
        self._listeners: list[EventListener] = []
        self._lock = asyncio.Lock()

    def subscribe(self, listener: EventListener) -> None:
        """Call `listener` with the events of every successful append, in commit order."""
        self._listeners.append(listener)

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        """The latest state; an erased history's without decrypting anything."""
        key = await self._keys.find(aggregate_id.value)  # first: see DynamoDbUserAccountRepository
        snapshot = self._snapshots.get(aggregate_id.value)
        after = 0 if snapshot is None else snapshot[0]
        records = self._journal.get(aggregate_id.value, ())[after:]
        if records and is_erasure_record(records[-1]):
            return erased_state(event_from_record(records[-1], None))
        state = (
            NotCreated(aggregate_id) if snapshot is None else deserialize_snapshot(snapshot[1], key)
        )
        return replay_journal(state, (event_from_record(record, key) for record in records))

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        if not events:
            return
        aggregate_id = events[0].aggregate_id
        key = await key_for_events(self._keys, events)
        async with self._lock:
            journal = self._journal.get(aggregate_id.value, ())
            if len(journal) != expected_version:
                raise ConcurrencyConflictError(aggregate_id, expected_version)
            journal += tuple(event_record(event, key) for event in events)
            self._journal[aggregate_id.value] = journal
            if snapshot_due(expected_version, len(journal), self._snapshot_interval):
                await self.save_snapshot(await self.load(aggregate_id))
            for listener in self._listeners:
                await listener(events)

    async def save_snapshot(self, state: UserAccountState) -> bool:
        """Keep `state` as the snapshot unless a newer one is stored; True when written."""
        current = self._snapshots.get(state.id.value)
        if current is not None and current[0] >= state.version:
            return False
        payload = serialize_snapshot(state, await key_for_snapshot(self._keys, state))
        # Checked again: the key lookup may have let another snapshot in meanwhile.
        current = self._snapshots.get(state.id.value)
        if current is not None and current[0] >= state.version:
            return False
        self._snapshots[state.id.value] = (state.version, payload)
        return True

    async def read_snapshot(self, aggregate_id: UserAccountId) -> UserAccountState | None:
        """The aggregate's latest snapshot, or None."""
        snapshot = self._snapshots.get(aggregate_id.value)
        if snapshot is None:
            return None
        return deserialize_snapshot(snapshot[1], await self._keys.find(aggregate_id.value))

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]:
        """The events numbered after_seq_nr+1 .. up_to_seq_nr (or the last), in order; those
        whose account's key is gone as ErasedPersonalData."""
        # Sequence numbers are 1..n without gaps, so event n sits at index n-1.
        journal = self._journal.get(aggregate_id.value, ())
        records = journal[max(after_seq_nr, 0) : up_to_seq_nr]
        wanted = any(needs_key(record) for record in records)
        key = await self._keys.find(aggregate_id.value) if wanted else None
        return [event_from_record(record, key) for record in records]

    async def events_of(self, aggregate_id: UserAccountId) -> list[JournalEvent]:
        """Every stored event of one aggregate, in order (for tests and the read side)."""
        return await self.read_events(aggregate_id, 0)

    def records_of(self, aggregate_id: UserAccountId) -> tuple[EventRecord, ...]:
        """What the journal keeps of one aggregate, as it keeps it (for tests)."""
        return self._journal.get(aggregate_id.value, ())

    def snapshot_bytes_of(self, aggregate_id: UserAccountId) -> bytes | None:
        """The aggregate's snapshot as it is kept, serialized (for tests)."""
        snapshot = self._snapshots.get(aggregate_id.value)
        return None if snapshot is None else snapshot[1]
