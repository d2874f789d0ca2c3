"""Aggregate states ⇄ protobuf UserAccountSnapshot: the bytes of the snapshot table's `payload`."""

from typing import TypeVar

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
from interface_adapter.serialization.messages import optional_text, parse, required_time
from interface_adapter.serialization.timestamps import to_timestamp


def serialize_snapshot(state: UserAccountState) -> bytes:
    """`state` as a serialized UserAccountSnapshot."""
    match state:
        case NotCreated():
            not_created = pb.NotCreatedSnapshot(user_account_id=state.id.value)
            return pb.UserAccountSnapshot(not_created=not_created).SerializeToString()
        case UserAccount(deleted=False):
            return pb.UserAccountSnapshot(
                created=_fill(pb.CreatedSnapshot(), state)
            ).SerializeToString()
        case UserAccount(deleted=True):
            return pb.UserAccountSnapshot(
                deleted=_fill(pb.DeletedSnapshot(), state)
            ).SerializeToString()
    raise AssertionError(f"unhandled state {state!r}")  # pragma: no cover


_Account = TypeVar("_Account", pb.CreatedSnapshot, pb.DeletedSnapshot)


def _fill(message: _Account, account: UserAccount) -> _Account:
    # Created and Deleted snapshots share their field names and numbers.
    message.user_account_id = account.id.value
    message.user_name.first_name = account.name.first_name
    message.user_name.last_name = account.name.last_name
    message.email_address = account.email_address.value
    message.created_at.CopyFrom(to_timestamp(account.created_at))
    message.updated_at.CopyFrom(to_timestamp(account.updated_at))
    message.version = account.version
    message.owner = account.owner or ""
    return message


def deserialize_snapshot(payload: bytes) -> UserAccountState:
    """The state in `payload`; DeserializationError when it is not a UserAccountSnapshot."""
    snapshot = parse(pb.UserAccountSnapshot(), payload)
    match snapshot.WhichOneof("state"):
        case "not_created":
            return NotCreated(UserAccountId(snapshot.not_created.user_account_id))
        case "created":
            return _account(snapshot.created, deleted=False)
        case "deleted":
            return _account(snapshot.deleted, deleted=True)
    raise DeserializationError("UserAccountSnapshot holds no state")


def _account(message: pb.CreatedSnapshot | pb.DeletedSnapshot, *, deleted: bool) -> UserAccount:
    return UserAccount(
        id=UserAccountId(message.user_account_id),
        name=UserAccountName(message.user_name.first_name, message.user_name.last_name),
        email_address=EmailAddress(message.email_address),
        created_at=required_time(message, "created_at"),
        updated_at=required_time(message, "updated_at"),
        version=message.version,
        owner=optional_text(message.owner),
        deleted=deleted,
    )
