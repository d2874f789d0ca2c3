"""decide/evolve: every decision is refused or accepted by evolve; evolve guards its input."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from domain.user_account import (
    AlreadyCreated,
    AlreadyDeleted,
    Create,
    Delete,
    EmailAddress,
    Erase,
    ErasedUserAccount,
    EventMetadata,
    NotCreated,
    NotFound,
    Rename,
    SameName,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountId,
    UserAccountName,
    decide,
    evolve,
)
from tests.support.strategies import (
    created_states,
    email_addresses,
    erased_states,
    event_ids,
    owners,
    states,
    timestamps,
    user_account_names,
)

pytestmark = pytest.mark.unit

commands = st.one_of(
    st.builds(Create, user_account_names, email_addresses, owners),
    st.builds(Rename, user_account_names),
    st.just(Delete()),
    st.just(Erase()),
)
metadata = st.builds(EventMetadata, event_ids, timestamps)


@given(states, commands, metadata)
def test_every_decision_is_refused_or_accepted_by_evolve(state, command, meta) -> None:
    match decide(state, command, meta):
        case Success(events):
            after = state
            for event in events:
                after = evolve(after, event)
            assert after.version == state.version + len(events)
            assert all(event.occurred_at == meta.occurred_at for event in events)
        case Failure(error):
            assert isinstance(error, NotFound | AlreadyDeleted | SameName | AlreadyCreated)


@given(states, commands, metadata)
def test_refusals_follow_the_order_of_spec(state, command, meta) -> None:
    result = decide(state, command, meta)
    if isinstance(command, Create):
        expected_ok = isinstance(state, NotCreated)
    elif isinstance(state, NotCreated | ErasedUserAccount):
        assert result == Failure(NotFound())
        return
    elif isinstance(command, Erase):
        expected_ok = True  # deleted or not
    elif state.deleted:
        assert result == Failure(AlreadyDeleted())
        return
    else:
        expected_ok = not (isinstance(command, Rename) and command.new_name == state.name)
    assert isinstance(result, Success) == expected_ok


@given(states, commands, metadata)
def test_the_owner_is_the_creators_and_never_changes(state, command, meta) -> None:
    match decide(state, command, meta):
        case Success(events):
            after = state
            for event in events:
                after = evolve(after, event)
            assert not isinstance(after, NotCreated)
            if isinstance(after, ErasedUserAccount):
                return  # nothing of the account is kept, its owner neither
            expected = command.owner if isinstance(command, Create) else state.owner
            assert after.owner == expected
            if isinstance(command, Create):
                assert events[0].owner == command.owner


def test_evolve_rejects_events_that_cannot_follow_the_state() -> None:
    state = NotCreated(UserAccountId("0" * 26))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    name = UserAccountName("Taro", "Yamada")
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(state, UserAccountDeleted("E1", state.id, 1, at))
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(
            state, UserAccountCreated("E1", state.id, 2, at, name, EmailAddress("t@ex.com"), None)
        )
    created = evolve(
        state, UserAccountCreated("E1", state.id, 1, at, name, EmailAddress("t@ex.com"), None)
    )
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(created, UserAccountDeleted("E2", UserAccountId("1" * 26), 2, at))


@given(created_states, event_ids, timestamps)
def test_any_created_account_deleted_or_not_evolves_into_an_erased_one(state, event_id, at) -> None:
    erased = evolve(state, UserAccountErased(event_id, state.id, state.version + 1, at))
    assert erased == ErasedUserAccount(state.id, state.version + 1, at)


def test_nothing_follows_an_erasure_and_nothing_erases_what_was_never_created() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    account_id = UserAccountId("0" * 26)
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(NotCreated(account_id), UserAccountErased("E1", account_id, 1, at))
    erased = ErasedUserAccount(account_id, 2, at)
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(erased, UserAccountDeleted("E3", account_id, 3, at))
    with pytest.raises(ValueError, match="cannot follow"):
        evolve(erased, UserAccountErased("E3", account_id, 3, at))


@given(created_states, metadata)
def test_an_erase_of_a_created_account_deleted_or_not_yields_only_the_erased_event(
    state, meta
) -> None:
    result = decide(state, Erase(), meta)
    assert result == Success(
        (UserAccountErased(meta.event_id, state.id, state.version + 1, meta.occurred_at),)
    )
    erased = evolve(state, result.unwrap()[0])
    assert erased == ErasedUserAccount(state.id, state.version + 1, meta.occurred_at)


@given(
    erased_states,
    st.one_of(st.builds(Rename, user_account_names), st.just(Delete()), st.just(Erase())),
    metadata,
)
def test_every_command_on_an_erased_account_is_not_found(state, command, meta) -> None:
    assert decide(state, command, meta) == Failure(NotFound())
    assert decide(NotCreated(state.id), command, meta) == Failure(NotFound())
