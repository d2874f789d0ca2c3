"""The in-memory journal's records: every event comes back equal, and the garbage collector
does not track what the journal keeps."""

import gc

import pytest
from hypothesis import given, settings

from domain.user_account import UserAccountEvent
from interface_adapter.event_store.in_memory_records import event_from_record, event_record
from tests.support.strategies import events

pytestmark = pytest.mark.unit


@given(events)
def test_every_event_comes_back_equal(event: UserAccountEvent) -> None:
    assert event_from_record(event_record(event)) == event


@settings(max_examples=12)  # a full collection each: a few examples of each kind will do
@given(events)
def test_a_kept_record_is_not_tracked_by_the_garbage_collector(event: UserAccountEvent) -> None:
    kept = (event_record(event),)

    # A collection untracks the tuples holding only untracked values; an outer tuple met
    # before its inner one was untracked is untracked by the next.
    gc.collect()
    gc.collect()

    assert not gc.is_tracked(kept)
    assert not gc.is_tracked(kept[0])
