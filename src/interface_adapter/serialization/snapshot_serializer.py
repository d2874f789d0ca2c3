"""Aggregate states ⇄ protobuf UserAccountSnapshot: the bytes of the snapshot table's `payload`.
Written as V2 (personal data sealed under the account's data key); V1 snapshots still decode."""

from typing import TypeVar

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
from interface_adapter.serialization.field_cipher import FieldCipher
from interface_adapter.serialization.generated.user_account import snapshot_pb2 as pb
from interface_adapter.serialization.messages import optional_text, parse, required_time
from interface_adapter.serialization.timestamps import to_timestamp

_AccountV2 = pb.CreatedSnapshot_V2 | pb.DeletedSnapshot_V2


def serialize_snapshot(state: UserAccountState, key: bytes | None) -> bytes:
    """`state` as a serialized UserAccountSnapshot; `key` (the account's data key) may be None
    only for a state without personal data (not created, erased)."""
    match state:
        case NotCreated():
            not_created = pb.NotCreatedSnapshot(user_account_id=state.id.value)
            return pb.UserAccountSnapshot(not_created=not_created).SerializeToString()
        case UserAccount(deleted=False):
            created = _sealed(pb.CreatedSnapshot_V2(), state, key)
            return pb.UserAccountSnapshot(created_v2=created).SerializeToString()
        case UserAccount(deleted=True):
            deleted = _sealed(pb.DeletedSnapshot_V2(), state, key)
            return pb.UserAccountSnapshot(deleted_v2=deleted).SerializeToString()
        case ErasedUserAccount():
            erased = pb.ErasedSnapshot(
                user_account_id=state.id.value,
                version=state.version,
                erased_at=to_timestamp(state.erased_at),
            )
            return pb.UserAccountSnapshot(erased=erased).SerializeToString()
    raise AssertionError(f"unhandled state {state!r}")  # pragma: no cover


_Sealed = TypeVar("_Sealed", pb.CreatedSnapshot_V2, pb.DeletedSnapshot_V2)


def _sealed(message: _Sealed, account: UserAccount, key: bytes | None) -> _Sealed:
    if key is None:
        raise ValueError("an account's snapshot carries personal data: it needs a data key")
    seal = FieldCipher(key, account.id.value).seal
    # Created and Deleted V2 snapshots share their field names and numbers.
    message.user_account_id = account.id.value
    message.first_name = seal("first_name", account.name.first_name)
    message.last_name = seal("last_name", account.name.last_name)
    message.email_address = seal("email_address", account.email_address.value)
    message.created_at.CopyFrom(to_timestamp(account.created_at))
    message.updated_at.CopyFrom(to_timestamp(account.updated_at))
    message.version = account.version
    message.owner = account.owner or ""
    return message


def deserialize_snapshot(payload: bytes, key: bytes | None) -> UserAccountState:
    """The state in `payload`; DeserializationError when it is not a UserAccountSnapshot, and
    PersonalDataUnreadableError for a V2 account whose key is None or does not open it."""
    snapshot = parse(pb.UserAccountSnapshot(), payload)
    match snapshot.WhichOneof("state"):
        case "not_created":
            return NotCreated(UserAccountId(snapshot.not_created.user_account_id))
        case "created":
            return _clear_account(snapshot.created, deleted=False)
        case "deleted":
            return _clear_account(snapshot.deleted, deleted=True)
        case "created_v2":
            return _opened_account(snapshot.created_v2, key, deleted=False)
        case "deleted_v2":
            return _opened_account(snapshot.deleted_v2, key, deleted=True)
        case "erased":
            erased = snapshot.erased
            return ErasedUserAccount(
                UserAccountId(erased.user_account_id),
                erased.version,
                required_time(erased, "erased_at"),
            )
    raise DeserializationError("UserAccountSnapshot holds no state")


def is_clear_snapshot(payload: bytes) -> bool:
    """Whether `payload` is a V1 snapshot of an account: its personal data in clear."""
    return parse(pb.UserAccountSnapshot(), payload).WhichOneof("state") in ("created", "deleted")


def _clear_account(
    message: pb.CreatedSnapshot | pb.DeletedSnapshot, *, deleted: bool
) -> UserAccount:
    """A V1 snapshot: the personal data in clear."""
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


def _opened_account(message: _AccountV2, key: bytes | None, *, deleted: bool) -> UserAccount:
    if key is None:
        raise PersonalDataUnreadableError(
            f"the snapshot of {message.user_account_id} is sealed and its data key is gone"
        )
    fields = FieldCipher(key, message.user_account_id)
    return UserAccount(
        id=UserAccountId(message.user_account_id),
        name=UserAccountName(
            fields.open("first_name", message.first_name),
            fields.open("last_name", message.last_name),
        ),
        email_address=EmailAddress(fields.open("email_address", message.email_address)),
        created_at=required_time(message, "created_at"),
        updated_at=required_time(message, "updated_at"),
        version=message.version,
        owner=optional_text(message.owner),
        deleted=deleted,
    )
