"""The in-memory journal's records: every event comes back equal under its key, the personal data
is sealed, and the garbage collector does not track what the journal keeps."""

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.user_account import (
    UserAccountCreated,
    UserAccountEvent,
    UserAccountName,
    UserAccountRenamed,
)
from interface_adapter.event_store.in_memory_records import (
    event_from_record,
    event_record,
    is_erasure_record,
    needs_key,
)
from interface_adapter.serialization.errors import DeserializationError
from tests.support.strategies import created_events, data_keys, events, renamed_events
from use_case.ports import ErasedPersonalData

pytestmark = pytest.mark.unit


@given(events, data_keys)
def test_every_event_comes_back_equal(event: UserAccountEvent, key: bytes) -> None:
    assert event_from_record(event_record(event, key), key) == event


@settings(max_examples=12)  # a full collection each: a few examples of each kind will do
@given(events, data_keys)
def test_a_kept_record_is_not_tracked_by_the_garbage_collector(
    event: UserAccountEvent, key: bytes
) -> None:
    kept = (event_record(event, key),)

    # A collection untracks the tuples holding only untracked values; an outer tuple met
    # before its inner one was untracked is untracked by the next.
    gc.collect()
    gc.collect()

    assert not gc.is_tracked(kept)
    assert not gc.is_tracked(kept[0])


@given(st.one_of(created_events, renamed_events), data_keys)
def test_personal_data_is_kept_sealed(event: UserAccountCreated | UserAccountRenamed, key: bytes):
    record = event_record(event, key)
    assert needs_key(record)
    texts = {
        *(
            (event.name.first_name, event.name.last_name, event.email_address.value)
            if isinstance(event, UserAccountCreated)
            else (*_names(event.old_name), *_names(event.new_name))
        ),
    }
    sealed = [value for value in record[5:] if isinstance(value, bytes)]
    assert len(sealed) >= 3
    assert not any(value == text.encode() for value in sealed for text in texts)


def _names(name: UserAccountName) -> tuple[str, str]:
    return name.first_name, name.last_name


@given(st.one_of(created_events, renamed_events), data_keys)
def test_without_its_key_a_sealed_record_is_erased_personal_data(
    event: UserAccountEvent, key: bytes
) -> None:
    assert event_from_record(event_record(event, key), None) == ErasedPersonalData(
        event.event_id, event.aggregate_id, event.seq_nr, event.occurred_at
    )


@given(created_events, data_keys)
def test_another_key_opens_no_record(event: UserAccountEvent, key: bytes) -> None:
    other = bytes(byte ^ 1 for byte in key)
    with pytest.raises(DeserializationError):
        event_from_record(event_record(event, key), other)


@given(events)
def test_only_an_erased_event_ends_a_history(event: UserAccountEvent) -> None:
    record = event_record(event, bytes(32))
    assert is_erasure_record(record) == (type(event).__name__ == "UserAccountErased")
