"""Property: however events are delivered, the rows equal those of applying each once in order."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Success

from domain.user_account import (
    Create,
    Delete,
    EventMetadata,
    NotCreated,
    Rename,
    UserAccount,
    UserAccountCommand,
    UserAccountEvent,
    UserAccountId,
    decide,
    replay,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.strategies import email_addresses, owners, user_account_names
from use_case.ports import UserAccountRow
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.unit

_START = datetime(2026, 11, 26, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class History:
    """The events of several accounts, each account's in order, and the states they end in."""

    events: dict[UserAccountId, list[UserAccountEvent]]
    final_states: dict[UserAccountId, UserAccount]


later_commands = st.lists(
    st.one_of(st.builds(Rename, user_account_names), st.just(Delete())), max_size=6
)


@st.composite
def histories(draw: st.DrawFn) -> History:
    """Valid histories, built by the domain's own decide and evolve (refused commands dropped)."""
    events: dict[UserAccountId, list[UserAccountEvent]] = {}
    final_states: dict[UserAccountId, UserAccount] = {}
    tick = 0
    for number in range(1, draw(st.integers(min_value=1, max_value=4)) + 1):
        account_id = UserAccountId(f"{number:026d}")
        commands: list[UserAccountCommand] = [
            Create(draw(user_account_names), draw(email_addresses), draw(owners)),
            *draw(later_commands),
        ]
        state = NotCreated(account_id)
        account_events: list[UserAccountEvent] = []
        for command in commands:
            tick += 1
            meta = EventMetadata(f"{tick:026d}", _START + timedelta(milliseconds=tick))
            decision = decide(state, command, meta)
            if isinstance(decision, Success):
                account_events.extend(decision.unwrap())
                state = replay(state, decision.unwrap())
        assert isinstance(state, UserAccount)
        events[account_id] = account_events
        final_states[account_id] = state
    return History(events, final_states)


@st.composite
def deliveries(draw: st.DrawFn, history: History) -> list[list[UserAccountEvent]]:
    """Batches holding each event 0-3 times (the last of each account at least once: nothing
    else would ever bring it), in any order across and within accounts."""
    delivered: list[UserAccountEvent] = []
    for account_events in history.events.values():
        for index, event in enumerate(account_events):
            least = 1 if index == len(account_events) - 1 else 0
            delivered.extend([event] * draw(st.integers(min_value=least, max_value=3)))
    shuffled = draw(st.permutations(delivered))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=6)))
    bounds = [0, *cuts, len(shuffled)]
    return [shuffled[start:end] for start, end in pairwise(bounds)]


def expected_row(state: UserAccount) -> UserAccountRow:
    return UserAccountRow(
        id=state.id,
        first_name=state.name.first_name,
        last_name=state.name.last_name,
        email_address=state.email_address.value,
        created_at=state.created_at,
        updated_at=state.updated_at,
        version=state.version,
        owner=state.owner,
        deleted_at=state.updated_at if state.deleted else None,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
async def test_any_delivery_gives_the_rows_of_applying_each_event_once_in_order(
    data: st.DataObject,
) -> None:
    history = data.draw(histories())
    batches = data.draw(deliveries(history))
    journal = InMemoryUserAccountRepository(InMemoryDataKeys())
    for account_events in history.events.values():
        await journal.store(0, account_events)
    read_model = InMemoryUserAccountReadModel()
    project = ProjectUserAccountEvents(read_model, journal)

    summaries = [await project(batch) for batch in batches]

    rows = await read_model.load_rows(list(history.events))
    assert rows == {
        account_id: expected_row(state) for account_id, state in history.final_states.items()
    }
    every_event = sum(len(account_events) for account_events in history.events.values())
    assert sum(summary.applied + summary.gaps_filled for summary in summaries) == every_event
    assert sum(summary.applied + summary.duplicates for summary in summaries) == sum(
        len(batch) for batch in batches
    )
    assert all(not summary.failed for summary in summaries)
