"""Snapshots: every state round-trips under a data key; V2 seals the personal data; V1 snapshots
still decode; field numbers follow the original schema."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message
from hypothesis import given

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountId,
    UserAccountName,
    UserAccountState,
)
from interface_adapter.serialization.errors import (
    DeserializationError,
    PersonalDataUnreadableError,
)
from interface_adapter.serialization.generated.user_account import snapshot_pb2 as pb
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    serialize_snapshot,
)
from tests.support.strategies import (
    created_states,
    data_keys,
    erased_states,
    owners,
    states,
    user_account_ids,
)
from tests.support.v1_writer import v1_snapshot

pytestmark = pytest.mark.unit

KEY = bytes(range(32))


@given(states, data_keys)
def test_round_trip_is_the_identity(state: UserAccountState, key: bytes) -> None:
    assert deserialize_snapshot(serialize_snapshot(state, key), key) == state


@given(user_account_ids)
def test_not_created_round_trips_without_a_key(account_id: UserAccountId) -> None:
    state = NotCreated(account_id)
    assert deserialize_snapshot(serialize_snapshot(state, None), None) == state


@given(erased_states)
def test_an_erased_state_round_trips_without_a_key(state: ErasedUserAccount) -> None:
    snapshot = pb.UserAccountSnapshot.FromString(serialize_snapshot(state, None))
    assert snapshot.WhichOneof("state") == "erased"
    assert deserialize_snapshot(serialize_snapshot(state, None), None) == state


@given(created_states)
def test_the_oneof_case_follows_the_deleted_flag(state: UserAccount) -> None:
    snapshot = pb.UserAccountSnapshot.FromString(serialize_snapshot(state, KEY))
    assert snapshot.WhichOneof("state") == ("deleted_v2" if state.deleted else "created_v2")
    decoded = deserialize_snapshot(serialize_snapshot(state, KEY), KEY)
    assert isinstance(decoded, UserAccount)
    assert decoded.version == state.version
    assert (decoded.created_at, decoded.updated_at) == (state.created_at, state.updated_at)


@given(created_states, owners)
def test_the_owner_round_trips_none_included(state: UserAccount, owner: str | None) -> None:
    decoded = deserialize_snapshot(serialize_snapshot(replace(state, owner=owner), KEY), KEY)
    assert isinstance(decoded, UserAccount)
    assert decoded.owner == owner


@given(created_states)
def test_every_v1_snapshot_still_decodes_without_a_key(state: UserAccount) -> None:
    assert deserialize_snapshot(v1_snapshot(state), None) == state


_MARKED = UserAccount(
    id=UserAccountId("01KB0000000000000000000000"),
    name=UserAccountName("Firstmarker7Q2", "Lastmarker9Z"),
    email_address=EmailAddress("mailmarker4K@example.com"),
    created_at=datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC),
    updated_at=datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC),
    version=3,
    owner="auth0|owner",
)


@pytest.mark.parametrize("deleted", [False, True])
def test_personal_data_is_never_written_in_clear(deleted: bool) -> None:
    written = serialize_snapshot(replace(_MARKED, deleted=deleted), KEY)
    for marker in ("Firstmarker7Q2", "Lastmarker9Z", "mailmarker4K"):
        assert marker.encode() not in written


def test_a_sealed_snapshot_without_its_key_is_unreadable() -> None:
    with pytest.raises(PersonalDataUnreadableError, match="data key is gone"):
        deserialize_snapshot(serialize_snapshot(_MARKED, KEY), None)


def test_a_sealed_snapshot_does_not_open_under_another_key() -> None:
    with pytest.raises(PersonalDataUnreadableError, match="does not decrypt"):
        deserialize_snapshot(serialize_snapshot(_MARKED, KEY), bytes(32))


def test_an_account_is_not_snapshotted_without_a_key() -> None:
    with pytest.raises(ValueError, match="needs a data key"):
        serialize_snapshot(_MARKED, None)


# A deleted account's snapshot as this service wrote it before owners were recorded (no field 7).
_DELETED_BEFORE_OWNERS = bytes.fromhex(
    "1a5a0a1a30314b4230303030303030303030303030303030303030303030120e0a045461726f1206"
    "59616d6164611a107461726f406578616d706c652e636f6d220b08a5c39ed806108094ef3a2a0b08"
    "a5c39ed806108094ef3a3003"
)


def test_a_snapshot_recorded_before_owners_decodes_with_no_owner() -> None:
    at = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
    assert deserialize_snapshot(_DELETED_BEFORE_OWNERS, None) == UserAccount(
        id=UserAccountId("01KB0000000000000000000000"),
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        created_at=at,
        updated_at=at,
        version=3,
        owner=None,
        deleted=True,
    )


_ACCOUNT_V2_FIELDS = {
    "user_account_id": 1,
    "first_name": 2,
    "last_name": 3,
    "email_address": 4,
    "created_at": 5,
    "updated_at": 6,
    "version": 7,
    "owner": 8,
}


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        (
            pb.UserAccountSnapshot,
            {
                "not_created": 1,
                "created": 2,
                "deleted": 3,
                "created_v2": 4,
                "deleted_v2": 5,
                "erased": 6,
            },
        ),
        (pb.NotCreatedSnapshot, {"user_account_id": 1}),
        *[
            (
                message,
                {
                    "user_account_id": 1,
                    "user_name": 2,
                    "email_address": 3,
                    "created_at": 4,
                    "updated_at": 5,
                    "version": 6,
                    "owner": 7,
                },
            )
            for message in (pb.CreatedSnapshot, pb.DeletedSnapshot)
        ],
        (pb.CreatedSnapshot_V2, _ACCOUNT_V2_FIELDS),
        (pb.DeletedSnapshot_V2, _ACCOUNT_V2_FIELDS),
        (pb.ErasedSnapshot, {"user_account_id": 1, "version": 2, "erased_at": 3}),
    ],
)
def test_field_numbers_match_the_original_schema(
    message: type[Message], fields: dict[str, int]
) -> None:
    assert {field.name: field.number for field in message.DESCRIPTOR.fields} == fields


def test_a_snapshot_without_state_is_refused() -> None:
    with pytest.raises(DeserializationError, match="no state"):
        deserialize_snapshot(pb.UserAccountSnapshot().SerializeToString(), KEY)


def test_bytes_that_are_no_snapshot_are_refused() -> None:
    with pytest.raises(DeserializationError):
        deserialize_snapshot(b"\x0a\xff\xff\xff", KEY)
