"""Snapshots: every state round-trips; field numbers follow the original schema."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message
from hypothesis import given

from domain.user_account import (
    EmailAddress,
    NotCreated,
    UserAccount,
    UserAccountId,
    UserAccountName,
    UserAccountState,
)
from interface_adapter.serialization.errors import DeserializationError
from interface_adapter.serialization.generated.user_account import snapshot_pb2 as pb
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    serialize_snapshot,
)
from tests.support.strategies import created_states, owners, states, user_account_ids

pytestmark = pytest.mark.unit


@given(states)
def test_round_trip_is_the_identity(state: UserAccountState) -> None:
    assert deserialize_snapshot(serialize_snapshot(state)) == state


@given(user_account_ids)
def test_not_created_round_trips(account_id: UserAccountId) -> None:
    state = NotCreated(account_id)
    assert deserialize_snapshot(serialize_snapshot(state)) == state


@given(created_states)
def test_the_oneof_case_follows_the_deleted_flag(state: UserAccount) -> None:
    snapshot = pb.UserAccountSnapshot.FromString(serialize_snapshot(state))
    assert snapshot.WhichOneof("state") == ("deleted" if state.deleted else "created")
    decoded = deserialize_snapshot(serialize_snapshot(state))
    assert isinstance(decoded, UserAccount)
    assert decoded.version == state.version
    assert (decoded.created_at, decoded.updated_at) == (state.created_at, state.updated_at)


@given(created_states, owners)
def test_the_owner_round_trips_none_included(state: UserAccount, owner: str | None) -> None:
    decoded = deserialize_snapshot(serialize_snapshot(replace(state, owner=owner)))
    assert isinstance(decoded, UserAccount)
    assert decoded.owner == owner


# A deleted account's snapshot as this service wrote it before owners were recorded (no field 7).
_DELETED_BEFORE_OWNERS = bytes.fromhex(
    "1a5a0a1a30314b4230303030303030303030303030303030303030303030120e0a045461726f1206"
    "59616d6164611a107461726f406578616d706c652e636f6d220b08a5c39ed806108094ef3a2a0b08"
    "a5c39ed806108094ef3a3003"
)


def test_a_snapshot_recorded_before_owners_decodes_with_no_owner() -> None:
    at = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
    assert deserialize_snapshot(_DELETED_BEFORE_OWNERS) == UserAccount(
        id=UserAccountId("01KB0000000000000000000000"),
        name=UserAccountName("Taro", "Yamada"),
        email_address=EmailAddress("taro@example.com"),
        created_at=at,
        updated_at=at,
        version=3,
        owner=None,
        deleted=True,
    )


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        (pb.UserAccountSnapshot, {"not_created": 1, "created": 2, "deleted": 3}),
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
    ],
)
def test_field_numbers_match_the_original_schema(
    message: type[Message], fields: dict[str, int]
) -> None:
    assert {field.name: field.number for field in message.DESCRIPTOR.fields} == fields


def test_a_snapshot_without_state_is_refused() -> None:
    with pytest.raises(DeserializationError, match="no state"):
        deserialize_snapshot(pb.UserAccountSnapshot().SerializeToString())


def test_bytes_that_are_no_snapshot_are_refused() -> None:
    with pytest.raises(DeserializationError):
        deserialize_snapshot(b"\x0a\xff\xff\xff")
