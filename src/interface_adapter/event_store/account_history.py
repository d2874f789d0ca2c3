"""What both repositories share about personal data: the key a write is sealed under, and how a
stored history becomes a state (an erased one without decrypting anything)."""

from collections.abc import Iterable, Sequence

from domain.user_account import (
    ErasedUserAccount,
    UserAccount,
    UserAccountCreated,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
    evolve,
)
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.errors import PersonalDataUnreadableError
from interface_adapter.serialization.event_types import carries_personal_data
from use_case.ports import ErasedPersonalData, JournalEvent


async def key_for_events(keys: DataKeys, events: Sequence[UserAccountEvent]) -> bytes | None:
    """The key `events` (one aggregate's) are sealed under: made with the account (one
    conditional write, no read); found for later events, or made then for an account recorded
    before keys were (V1 only). None when no event carries personal data."""
    account_id = events[0].aggregate_id.value
    if isinstance(events[0], UserAccountCreated):
        return await keys.create(account_id)
    if not any(carries_personal_data(event) for event in events):
        return None
    return await _found_or_made(keys, account_id)


async def key_for_snapshot(keys: DataKeys, state: UserAccountState) -> bytes | None:
    """The key a snapshot of `state` is sealed under; None for a state without personal data."""
    if not isinstance(state, UserAccount):
        return None
    return await _found_or_made(keys, state.id.value)


async def _found_or_made(keys: DataKeys, account_id: str) -> bytes:
    return await keys.find(account_id) or await keys.create(account_id)


def erased_state(last: JournalEvent) -> ErasedUserAccount:
    """The state of a history whose last event is `last`, an Erased: what `evolve` makes of any
    created account, read from that event alone (the erased state keeps nothing of before), so
    no earlier event or snapshot is decoded or decrypted."""
    if not isinstance(last, UserAccountErased):
        raise AssertionError(f"{type(last).__name__} is not an erasure")  # pragma: no cover
    return ErasedUserAccount(last.aggregate_id, last.seq_nr, last.occurred_at)


def replay_journal(state: UserAccountState, events: Iterable[JournalEvent]) -> UserAccountState:
    """`evolve` over `events`. A history that is not erased has its key: an event whose key is
    gone (ErasedPersonalData) there is a broken journal, not a state."""
    for event in events:
        if isinstance(event, ErasedPersonalData):
            raise PersonalDataUnreadableError(_unreadable(event.aggregate_id, event.seq_nr))
        state = evolve(state, event)
    return state


def _unreadable(account_id: UserAccountId, seq_nr: int) -> str:
    return f"{account_id}#{seq_nr}: its data key is gone, yet the history is not erased"
