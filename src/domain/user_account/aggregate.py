"""decide (state, command) → events or an error; evolve (state, event) → state."""

from collections.abc import Iterable

from returns.result import Failure, Result, Success

from domain.user_account.commands import Create, Delete, Erase, Rename, UserAccountCommand
from domain.user_account.errors import (
    AlreadyCreated,
    AlreadyDeleted,
    DomainError,
    NotFound,
    SameName,
)
from domain.user_account.events import (
    EventMetadata,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountRenamed,
)
from domain.user_account.state import ErasedUserAccount, NotCreated, UserAccount, UserAccountState

Decision = Result[tuple[UserAccountEvent, ...], DomainError]


def decide(state: UserAccountState, command: UserAccountCommand, meta: EventMetadata) -> Decision:
    """The events `command` produces in `state`, or the reason it is refused (SPEC §2 order:
    the account exists (and is not erased) → it is not deleted (but for an erase, SPEC §9.4) →
    the new name differs). Who may ask is the use cases' concern: their access rules refuse
    another's account before `decide` sees it.

    Both decide and evolve run for every command (and evolve for every event replayed), so they test
    types with `isinstance` and build the new state directly: structural pattern matching with
    keyword captures and `dataclasses.replace` cost more (docs/performance.md).
    """
    if isinstance(command, Create):
        if not isinstance(state, NotCreated):
            return Failure(AlreadyCreated())
        created = UserAccountCreated(  # the first event: NotCreated is version 0
            meta.event_id,
            state.id,
            1,
            meta.occurred_at,
            command.name,
            command.email_address,
            command.owner,
        )
        return Success((created,))
    if isinstance(state, NotCreated | ErasedUserAccount):
        # An erased account is gone for every command (SPEC §9.4).
        return Failure(NotFound())
    seq_nr = state.version + 1
    if isinstance(command, Erase):  # a deleted account may be erased too
        return Success((UserAccountErased(meta.event_id, state.id, seq_nr, meta.occurred_at),))
    if state.deleted:
        return Failure(AlreadyDeleted())
    if isinstance(command, Rename):
        if command.new_name == state.name:
            return Failure(SameName())
        renamed = UserAccountRenamed(
            meta.event_id, state.id, seq_nr, meta.occurred_at, state.name, command.new_name
        )
        return Success((renamed,))
    if isinstance(command, Delete):
        return Success((UserAccountDeleted(meta.event_id, state.id, seq_nr, meta.occurred_at),))
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def evolve(state: UserAccountState, event: UserAccountEvent) -> UserAccountState:
    """Fold one event into the state; an event that cannot follow `state` is a bug and raises."""
    if event.seq_nr != state.version + 1 or event.aggregate_id != state.id:
        raise ValueError(
            f"event {event.aggregate_id}#{event.seq_nr} cannot follow {state.id}@{state.version}"
        )
    if isinstance(state, NotCreated):
        if isinstance(event, UserAccountCreated):
            return UserAccount(
                state.id,
                event.name,
                event.email_address,
                event.occurred_at,
                event.occurred_at,
                event.seq_nr,
                event.owner,
            )
    elif isinstance(state, ErasedUserAccount):
        pass  # Erased is the last event of a history
    elif isinstance(event, UserAccountErased):
        # Any created account, deleted or not, may be erased; nothing of it is kept.
        return ErasedUserAccount(state.id, event.seq_nr, event.occurred_at)
    elif not state.deleted:
        if isinstance(event, UserAccountRenamed):
            return UserAccount(
                state.id,
                event.new_name,
                state.email_address,
                state.created_at,
                event.occurred_at,
                event.seq_nr,
                state.owner,
            )
        if isinstance(event, UserAccountDeleted):
            return UserAccount(
                state.id,
                state.name,
                state.email_address,
                state.created_at,
                event.occurred_at,
                event.seq_nr,
                state.owner,
                deleted=True,
            )
    raise ValueError(f"{type(event).__name__} cannot follow {type(state).__name__}")


def replay(state: UserAccountState, events: Iterable[UserAccountEvent]) -> UserAccountState:
    """Fold every event of `events`, in order, into `state`."""
    for event in events:
        state = evolve(state, event)
    return state
