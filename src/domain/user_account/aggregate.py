"""decide (state, command) → events or an error; evolve (state, event) → state."""

from collections.abc import Iterable
from dataclasses import replace

from returns.result import Failure, Result, Success

from domain.user_account.commands import Create, Delete, Rename, UserAccountCommand
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
    UserAccountEvent,
    UserAccountRenamed,
)
from domain.user_account.state import NotCreated, UserAccount, UserAccountState

Decision = Result[tuple[UserAccountEvent, ...], DomainError]


def decide(state: UserAccountState, command: UserAccountCommand, meta: EventMetadata) -> Decision:
    """The events `command` produces in `state`, or the reason it is refused (SPEC §2 order)."""
    seq_nr = state.version + 1
    match command:
        case Create(name=name, email_address=email):
            if not isinstance(state, NotCreated):
                return Failure(AlreadyCreated())
            created = UserAccountCreated(
                meta.event_id, state.id, seq_nr, meta.occurred_at, name, email
            )
            return Success((created,))
        case Rename(new_name=new_name):
            match _existing(state):
                case Success(account):
                    if account.name == new_name:
                        return Failure(SameName())
                    renamed = UserAccountRenamed(
                        meta.event_id, account.id, seq_nr, meta.occurred_at, account.name, new_name
                    )
                    return Success((renamed,))
                case Failure(error):
                    return Failure(error)
        case Delete():
            match _existing(state):
                case Success(account):
                    deleted = UserAccountDeleted(
                        meta.event_id, account.id, seq_nr, meta.occurred_at
                    )
                    return Success((deleted,))
                case Failure(error):
                    return Failure(error)
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _existing(state: UserAccountState) -> Result[UserAccount, DomainError]:
    if isinstance(state, NotCreated):
        return Failure(NotFound())
    if state.deleted:
        return Failure(AlreadyDeleted())
    return Success(state)


def evolve(state: UserAccountState, event: UserAccountEvent) -> UserAccountState:
    """Fold one event into the state; an event that cannot follow `state` is a bug and raises."""
    if event.aggregate_id != state.id or event.seq_nr != state.version + 1:
        raise ValueError(
            f"event {event.aggregate_id}#{event.seq_nr} cannot follow {state.id}@{state.version}"
        )
    match state, event:
        case NotCreated(), UserAccountCreated():
            return UserAccount(
                id=event.aggregate_id,
                name=event.name,
                email_address=event.email_address,
                created_at=event.occurred_at,
                updated_at=event.occurred_at,
                version=event.seq_nr,
            )
        case UserAccount(deleted=False), UserAccountRenamed():
            return replace(
                state, name=event.new_name, updated_at=event.occurred_at, version=event.seq_nr
            )
        case UserAccount(deleted=False), UserAccountDeleted():
            return replace(state, deleted=True, updated_at=event.occurred_at, version=event.seq_nr)
    raise ValueError(f"{type(event).__name__} cannot follow {type(state).__name__}")


def replay(state: UserAccountState, events: Iterable[UserAccountEvent]) -> UserAccountState:
    """Fold every event of `events`, in order, into `state`."""
    for event in events:
        state = evolve(state, event)
    return state
