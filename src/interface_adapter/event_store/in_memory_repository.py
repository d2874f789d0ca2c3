"""InMemoryUserAccountRepository: journal and snapshots in dicts, for tests and in-memory mode."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from domain.user_account import (
    NotCreated,
    UserAccountCreated,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountRenamed,
    UserAccountState,
)
from infrastructure.prefix_sharded_dict import PrefixShardedDict
from interface_adapter.event_store.account_history import (
    erased_state,
    key_for_events,
    key_for_snapshot,
    replay_journal,
)
from interface_adapter.event_store.clear_text import sealed_snapshot
from interface_adapter.event_store.in_memory_records import (
    EventRecord,
    clear_record,
    event_from_record,
    event_record,
    is_clear_record,
    is_erasure_record,
    needs_key,
    sealed_record,
)
from interface_adapter.event_store.snapshot_policy import snapshot_due
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    is_clear_snapshot,
    serialize_snapshot,
)
from use_case.ports import ConcurrencyConflictError, JournalEvent

EventListener = Callable[[Sequence[UserAccountEvent]], Awaitable[None]]


class InMemoryUserAccountRepository:
    """Keeps every event per aggregate and a snapshot every `snapshot_interval` events.

    Events are kept as records (in_memory_records), out of the garbage collector's way, in a
    tuple per aggregate, keyed by the id's text in shards by its time (PrefixShardedDict, so that
    a full collection does not visit every account's entry); snapshots as their serialized
    bytes. Personal data is sealed under the account's key in `data_keys`, as the DynamoDB
    repository seals it, and an erasure goes the same three steps (seal any clear text, append,
    destroy the key).
    """

    def __init__(self, data_keys: DataKeys, snapshot_interval: int = 100) -> None:
        self._keys = data_keys
        self._snapshot_interval = snapshot_interval
        self._journal: PrefixShardedDict[tuple[EventRecord, ...]] = PrefixShardedDict()
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
            if key is not None:  # an erasure interrupted before its last step: finish it
                await self._keys.destroy(aggregate_id.value)
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
        erasing = isinstance(events[-1], UserAccountErased)
        if erasing:
            await self._seal_clear_text(aggregate_id)  # (a), as DynamoDbUserAccountRepository
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
        if erasing:
            await self._keys.destroy(aggregate_id.value)  # (c)

    async def _seal_clear_text(self, aggregate_id: UserAccountId) -> None:
        """Records and a snapshot in clear (an earlier version's), sealed in place under the
        account's key (made when it has none): same event ids, same sequence numbers."""
        account_id = aggregate_id.value
        snapshot = self._snapshots.get(account_id)
        clear_snapshot = snapshot is not None and is_clear_snapshot(snapshot[1])
        if not clear_snapshot and not any(map(is_clear_record, self._journal.get(account_id, ()))):
            return
        key = await self._keys.find(account_id) or await self._keys.create(account_id)
        async with self._lock:
            self._journal[account_id] = tuple(
                sealed_record(record, key) if is_clear_record(record) else record
                for record in self._journal.get(account_id, ())
            )
            snapshot = self._snapshots.get(account_id)
            if snapshot is not None and is_clear_snapshot(snapshot[1]):
                self._snapshots[account_id] = (snapshot[0], sealed_snapshot(snapshot[1], key))

    def put_recorded_v1(self, events: Sequence[UserAccountEvent]) -> None:
        """Keep `events` (one aggregate's, following its journal) as a journal of the previous
        version holds them: Created and Renamed in clear (for tests of what erasure rewrites)."""
        for event in events:
            journal = self._journal.get(event.aggregate_id.value, ())
            if event.seq_nr != len(journal) + 1:
                raise ValueError(f"event {event.seq_nr} does not follow {len(journal)}")
            record = (
                clear_record(event)
                if isinstance(event, UserAccountCreated | UserAccountRenamed)
                else event_record(event, None)
            )
            self._journal[event.aggregate_id.value] = (*journal, record)

    def put_recorded_v1_snapshot(self, version: int, payload: bytes) -> None:
        """Keep `payload` (a V1 snapshot at `version`) as the aggregate's snapshot (for tests)."""
        account_id = deserialize_snapshot(payload, None).id.value
        self._snapshots[account_id] = (version, payload)

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
