"""EventStoreContract: the behaviour every UserAccountRepository adapter must show.

A test module subclasses it and provides the `repository` fixture, built with
`snapshot_interval=SNAPSHOT_INTERVAL` and the `data_keys` fixture, `stored_values` (what the
store keeps of an account, as it keeps it) and `put_recorded_v1` (items as the previous version
wrote them); the in-memory and the DynamoDB adapters run the same tests.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

import pytest

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
    UserAccountState,
    replay,
)
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.serialization.errors import PersonalDataUnreadableError
from tests.support.data_keys import WatchedDataKeys
from use_case.ports import (
    ConcurrencyConflictError,
    ErasedPersonalData,
    JournalEvent,
    UserAccountRepository,
)

SNAPSHOT_INTERVAL = 3
# In every name and email address History writes: found in a store's bytes only if kept in clear.
MARKER = "Qx7Marker"
_START = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)


class ContractRepository(UserAccountRepository, Protocol):
    """The port, plus what the read side and the tests use."""

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]: ...

    async def read_snapshot(self, aggregate_id: UserAccountId) -> UserAccountState | None: ...

    async def save_snapshot(self, state: UserAccountState) -> bool: ...


class History:
    """Consistent events of one new aggregate: Created, then Renamed…, optionally Deleted."""

    def __init__(self) -> None:
        self._ids = UlidGenerator()
        self.id = UserAccountId(self._ids.new_id())

    def created(self) -> UserAccountCreated:
        return UserAccountCreated(
            self._ids.new_id(),
            self.id,
            1,
            _START,
            UserAccountName("Taro", f"Yamada{MARKER}"),
            EmailAddress(f"taro{MARKER}@example.com"),
            "auth0|taro",
        )

    def after(self, state: UserAccountState, count: int) -> list[UserAccountEvent]:
        """`count` renames that follow `state` (a created, not deleted account)."""
        assert isinstance(state, UserAccount)
        events: list[UserAccountEvent] = []
        name = state.name
        for offset in range(1, count + 1):
            seq_nr = state.version + offset
            new_name = UserAccountName(f"山田{MARKER}", f"太郎 {seq_nr} 🎉")
            events.append(
                UserAccountRenamed(
                    self._ids.new_id(), self.id, seq_nr, self._time(seq_nr), name, new_name
                )
            )
            name = new_name
        return events

    def deleted(self, state: UserAccountState) -> UserAccountDeleted:
        seq_nr = state.version + 1
        return UserAccountDeleted(self._ids.new_id(), self.id, seq_nr, self._time(seq_nr))

    def erased(self, state: UserAccountState) -> UserAccountErased:
        seq_nr = state.version + 1
        return UserAccountErased(self._ids.new_id(), self.id, seq_nr, self._time(seq_nr))

    @staticmethod
    def _time(seq_nr: int) -> datetime:
        return _START + timedelta(seconds=seq_nr, microseconds=seq_nr)


async def append(
    repository: UserAccountRepository, state: UserAccountState, events: Sequence[UserAccountEvent]
) -> UserAccountState:
    """Store `events` on top of `state` as a command would; the state after them."""
    await repository.store(state.version, events)
    return replay(state, events)


async def one_by_one(
    repository: UserAccountRepository, state: UserAccountState, events: Sequence[UserAccountEvent]
) -> UserAccountState:
    for event in events:
        state = await append(repository, state, [event])
    return state


class EventStoreContract:
    @pytest.fixture
    def data_keys(self) -> WatchedDataKeys:
        return WatchedDataKeys()

    @pytest.fixture
    def repository(self, data_keys: WatchedDataKeys) -> ContractRepository:
        raise NotImplementedError("a test module provides the adapter under test")

    async def stored_values(
        self, repository: ContractRepository, aggregate_id: UserAccountId
    ) -> list[bytes]:
        """Every value the store keeps of the aggregate (journal and snapshot), as bytes."""
        raise NotImplementedError("a test module provides the adapter under test")

    async def put_recorded_v1(
        self,
        repository: ContractRepository,
        events: Sequence[UserAccountEvent],
        snapshot: UserAccount | None = None,
    ) -> None:
        """Store `events` (following what is stored) and `snapshot` as the previous version
        wrote them: V1, personal data in clear."""
        raise NotImplementedError("a test module provides the adapter under test")

    async def test_an_unknown_aggregate_loads_as_not_created(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        assert await repository.load(history.id) == NotCreated(history.id)
        assert await repository.read_events(history.id, 0) == []
        assert await repository.read_snapshot(history.id) is None

    async def test_stored_events_load_back_as_the_replayed_state(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, 1))
        state = await append(repository, state, [history.deleted(state)])
        events = await repository.read_events(history.id, 0)
        assert [event.seq_nr for event in events] == [1, 2, 3]
        assert isinstance(events[-1], UserAccountDeleted)
        loaded = await repository.load(history.id)
        assert loaded == state == replay(NotCreated(history.id), events)
        assert isinstance(loaded, UserAccount)
        assert loaded.deleted

    async def test_events_keep_every_field(self, repository: ContractRepository) -> None:
        history = History()
        created = history.created()
        state = await append(repository, NotCreated(history.id), [created])
        renames = history.after(state, 1)
        await append(repository, state, renames)
        assert await repository.read_events(history.id, 0) == [created, *renames]

    async def test_a_stale_expected_version_conflicts_and_writes_nothing(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        winner = history.after(state, 1)
        await append(repository, state, winner)
        loser = history.after(state, 1)  # decided on the same, now stale, state
        with pytest.raises(ConcurrencyConflictError):
            await append(repository, state, loser)
        events = await repository.read_events(history.id, 0)
        assert events[1:] == winner

    async def test_a_second_create_of_the_same_id_conflicts(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        first = history.created()
        await append(repository, NotCreated(history.id), [first])
        with pytest.raises(ConcurrencyConflictError):
            await append(repository, NotCreated(history.id), [replace(first, event_id="other")])
        assert await repository.read_events(history.id, 0) == [first]

    async def test_several_events_are_stored_together(self, repository: ContractRepository) -> None:
        history = History()
        created = history.created()
        state = replay(NotCreated(history.id), [created])
        renames = history.after(state, 2)
        state = await append(repository, NotCreated(history.id), [created, *renames])
        assert await repository.read_events(history.id, 0) == [created, *renames]
        assert await repository.load(history.id) == state

    async def test_a_conflicting_multi_event_append_leaves_no_partial_events(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        stale = state
        state = await append(repository, state, history.after(state, 1))
        # Event 2 is taken; event 3 is free but must not be written without event 2.
        with pytest.raises(ConcurrencyConflictError):
            await append(repository, stale, history.after(stale, 2))
        events = await repository.read_events(history.id, 0)
        assert [event.seq_nr for event in events] == [1, 2]
        assert await repository.load(history.id) == state

    async def test_a_snapshot_is_written_on_crossing_the_interval(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL - 2))
        assert await repository.read_snapshot(history.id) is None
        state = await one_by_one(repository, state, history.after(state, 1))
        assert await repository.read_snapshot(history.id) == state
        assert state.version == SNAPSHOT_INTERVAL
        # A multi-event append that crosses the next multiple snapshots the state after it.
        state = await append(repository, state, history.after(state, SNAPSHOT_INTERVAL + 1))
        assert await repository.read_snapshot(history.id) == state

    async def test_loading_from_a_snapshot_equals_a_full_replay(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, 2 * SNAPSHOT_INTERVAL))
        state = await append(repository, state, [history.deleted(state)])
        snapshot = await repository.read_snapshot(history.id)
        assert snapshot is not None
        assert 0 < snapshot.version < state.version
        all_events = await repository.read_events(history.id, 0)
        assert await repository.load(history.id) == replay(NotCreated(history.id), all_events)
        assert await repository.load(history.id) == state

    async def test_an_older_snapshot_never_replaces_a_newer_one(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        created = history.created()
        older = await append(repository, NotCreated(history.id), [created])
        newer = await one_by_one(repository, older, history.after(older, SNAPSHOT_INTERVAL - 1))
        assert await repository.read_snapshot(history.id) == newer
        assert await repository.save_snapshot(older) is False
        assert await repository.read_snapshot(history.id) == newer
        assert await repository.load(history.id) == newer

    async def test_read_events_returns_the_asked_range(
        self, repository: ContractRepository
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        await one_by_one(repository, state, history.after(state, 4))

        async def seq_nrs(after: int, up_to: int | None = None) -> list[int]:
            events = await repository.read_events(history.id, after, up_to)
            return [event.seq_nr for event in events]

        assert await seq_nrs(0) == [1, 2, 3, 4, 5]
        assert await seq_nrs(2) == [3, 4, 5]
        assert await seq_nrs(1, 3) == [2, 3]
        assert await seq_nrs(0, 100) == [1, 2, 3, 4, 5]
        assert await seq_nrs(4, 5) == [5]
        assert await seq_nrs(5) == []
        assert await seq_nrs(3, 3) == []
        assert await repository.read_events(History().id, 0) == []

    # --- personal data (SPEC §9) ---

    async def test_a_create_makes_the_account_key_and_a_rename_finds_it(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        assert data_keys.creates[history.id.value] == 1
        assert await data_keys.find(history.id.value) is not None
        finds = data_keys.finds[history.id.value]
        await append(repository, state, history.after(state, 1))
        assert data_keys.creates[history.id.value] == 1
        assert data_keys.finds[history.id.value] > finds

    async def test_a_delete_or_an_erasure_needs_no_key(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        # Before the snapshot interval: a snapshot would need the key, the appends do not.
        assert SNAPSHOT_INTERVAL > 2
        for last in (History.deleted, History.erased):
            history = History()
            state = await append(repository, NotCreated(history.id), [history.created()])
            finds = data_keys.finds[history.id.value]
            await append(repository, state, [last(history, state)])
            assert data_keys.finds[history.id.value] == finds
            assert data_keys.creates[history.id.value] == 1

    async def test_no_personal_data_is_kept_in_clear(self, repository: ContractRepository) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL))
        assert await repository.read_snapshot(history.id) is not None
        values = await self.stored_values(repository, history.id)
        assert values
        assert not [value for value in values if MARKER.encode() in value]
        assert await repository.load(history.id) == state

    async def test_an_erased_history_loads_as_erased_once_its_key_is_gone(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL))
        erased = history.erased(state)
        await append(repository, state, [erased])
        await data_keys.destroy(history.id.value)
        expected = ErasedUserAccount(history.id, erased.seq_nr, erased.occurred_at)
        assert await repository.load(history.id) == expected

    async def test_an_erased_history_loads_without_decrypting_anything(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        # A sealed snapshot (at the interval), a sealed rename after it, then the erasure.
        state = await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL))
        snapshot = await repository.read_snapshot(history.id)
        assert isinstance(snapshot, UserAccount)
        assert snapshot.version < state.version
        erased = history.erased(state)
        await append(repository, state, [erased])
        assert erased.seq_nr % SNAPSHOT_INTERVAL != 0  # no erased snapshot: the events are read
        # Still there, but a key that opens nothing: any decryption would fail.
        data_keys.substitute(history.id.value, bytes(32))
        loaded = await repository.load(history.id)
        assert loaded == ErasedUserAccount(history.id, erased.seq_nr, erased.occurred_at)

    async def test_an_erased_snapshot_loads_as_it_is(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        erased = ErasedUserAccount(history.id, 2, _START)
        await repository.store(state.version, [history.erased(state)])
        assert await repository.save_snapshot(erased) is True
        await data_keys.destroy(history.id.value)
        assert await repository.read_snapshot(history.id) == erased
        assert await repository.load(history.id) == erased

    async def test_events_whose_key_is_gone_read_as_erased_personal_data(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        created = history.created()
        state = await append(repository, NotCreated(history.id), [created])
        [renamed] = history.after(state, 1)
        state = await append(repository, state, [renamed])
        state = await append(repository, state, [deleted := history.deleted(state)])
        await append(repository, state, [erased := history.erased(state)])
        await data_keys.destroy(history.id.value)
        assert await repository.read_events(history.id, 0) == [
            ErasedPersonalData(created.event_id, history.id, 1, created.occurred_at),
            ErasedPersonalData(renamed.event_id, history.id, 2, renamed.occurred_at),
            deleted,
            erased,
        ]

    async def test_a_history_not_erased_whose_key_is_gone_does_not_load(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        await append(repository, NotCreated(history.id), [history.created()])
        await data_keys.destroy(history.id.value)
        with pytest.raises(PersonalDataUnreadableError, match="not erased"):
            await repository.load(history.id)

    async def test_a_snapshot_is_sealed_under_the_account_key(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await one_by_one(repository, state, history.after(state, SNAPSHOT_INTERVAL - 1))
        assert await repository.read_snapshot(history.id) == state
        data_keys.substitute(history.id.value, bytes(32))
        with pytest.raises(PersonalDataUnreadableError):
            await repository.read_snapshot(history.id)

    # --- erasure (SPEC §9.4): clear text of an earlier version sealed in place, the event
    # appended, the key destroyed; each interruption leaves a journal that loads ---

    async def _recorded_v1_account(
        self, repository: ContractRepository, renames: int = 2
    ) -> tuple[History, UserAccountState, list[UserAccountEvent]]:
        """An account the previous version wrote: Created and `renames` Renamed in clear, and
        a clear snapshot at version 2."""
        history = History()
        events: list[UserAccountEvent] = [history.created()]
        events += history.after(replay(NotCreated(history.id), events), renames)
        snapshot = replay(NotCreated(history.id), events[:2])
        assert isinstance(snapshot, UserAccount)
        await self.put_recorded_v1(repository, events, snapshot)
        state = replay(NotCreated(history.id), events)
        assert await repository.load(history.id) == state
        assert await self._clear_values(repository, history.id)  # the marker, in clear
        return history, state, events

    async def _clear_values(
        self, repository: ContractRepository, aggregate_id: UserAccountId
    ) -> list[bytes]:
        values = await self.stored_values(repository, aggregate_id)
        return [value for value in values if MARKER.encode() in value]

    async def test_an_erasure_seals_the_clear_text_of_an_earlier_version_and_destroys_its_key(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history, state, events = await self._recorded_v1_account(repository)
        erased = history.erased(state)
        await repository.store(state.version, [erased])
        assert await self._clear_values(repository, history.id) == []
        # A key was made for the rewrite (the account had none), then destroyed.
        assert data_keys.creates[history.id.value] == 1
        assert set(data_keys.destroyed) == {history.id.value}
        assert await data_keys.find(history.id.value) is None
        # Same sequence numbers and event ids, now sealed under a key that is gone.
        assert await repository.read_events(history.id, 0) == [
            *(
                ErasedPersonalData(event.event_id, history.id, event.seq_nr, event.occurred_at)
                for event in events
            ),
            erased,
        ]
        assert await repository.load(history.id) == ErasedUserAccount(
            history.id, erased.seq_nr, erased.occurred_at
        )

    async def test_an_erasure_interrupted_before_the_key_is_destroyed_is_finished_by_a_load(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history, state, events = await self._recorded_v1_account(repository)
        erased = history.erased(state)
        data_keys.failing_destroys = 1
        with pytest.raises(ConnectionError):
            await repository.store(state.version, [erased])
        # (a) and (b) are done: nothing in clear, and the rewritten items are the same events
        # sealed under the account's key, which still opens them.
        assert await self._clear_values(repository, history.id) == []
        assert await repository.read_events(history.id, 0) == [*events, erased]
        # The erased state, and the key of an erased history destroyed on the way.
        expected = ErasedUserAccount(history.id, erased.seq_nr, erased.occurred_at)
        assert await repository.load(history.id) == expected
        assert await data_keys.find(history.id.value) is None
        assert await repository.load(history.id) == expected

    async def test_an_erasure_that_loses_the_race_leaves_a_sealed_journal_and_a_retry_completes(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history, stale, events = await self._recorded_v1_account(repository)
        # Another writer appends first: the erasure, decided on `stale`, conflicts after its
        # rewrites (an interruption between (a) and (b)).
        state = await append(repository, stale, history.after(stale, 1))
        with pytest.raises(ConcurrencyConflictError):
            await repository.store(stale.version, [history.erased(stale)])
        assert await self._clear_values(repository, history.id) == []
        assert await repository.load(history.id) == state
        assert (await repository.read_events(history.id, 0))[: len(events)] == events
        assert await repository.read_snapshot(history.id) == replay(
            NotCreated(history.id), events[:2]
        )
        assert data_keys.destroyed == []
        erased = history.erased(state)
        await repository.store(state.version, [erased])
        assert await repository.load(history.id) == ErasedUserAccount(
            history.id, erased.seq_nr, erased.occurred_at
        )
        assert data_keys.creates[history.id.value] == 1
        assert await data_keys.find(history.id.value) is None

    async def test_a_journal_partly_sealed_loads_and_its_erasure_completes(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        # V2 and V1 items in any order, as an erasure interrupted between two of its rewrite
        # transactions leaves them: each decodes in its own version.
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        clear = history.after(state, 1)
        await self.put_recorded_v1(repository, clear)
        state = replay(state, clear)
        state = await append(repository, state, history.after(state, 1))
        assert await repository.load(history.id) == state
        assert len(await self._clear_values(repository, history.id)) > 0
        erased = history.erased(state)
        await repository.store(state.version, [erased])
        assert await self._clear_values(repository, history.id) == []
        assert await repository.load(history.id) == ErasedUserAccount(
            history.id, erased.seq_nr, erased.occurred_at
        )

    async def test_an_erasure_of_a_deleted_account_destroys_its_key(
        self, repository: ContractRepository, data_keys: WatchedDataKeys
    ) -> None:
        history = History()
        state = await append(repository, NotCreated(history.id), [history.created()])
        state = await append(repository, state, [history.deleted(state)])
        erased = history.erased(state)
        state = await append(repository, state, [erased])
        assert await data_keys.find(history.id.value) is None
        assert set(data_keys.destroyed) == {history.id.value}
        assert await repository.load(history.id) == state
