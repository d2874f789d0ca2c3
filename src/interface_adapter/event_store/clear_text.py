"""The clear text an earlier version wrote (V1 Created/Renamed, V1 snapshots), sealed again under
the account's data key by an erasure (SPEC §9.4): same event, same number, now V2."""

from domain.user_account import UserAccountCreated, UserAccountRenamed
from interface_adapter.serialization.event_serializer import serialize_event
from interface_adapter.serialization.event_types import CREATED, RENAMED, V1
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    is_clear_snapshot,
    serialize_snapshot,
)
from interface_adapter.serialization.upcasters import StoredEvent, upcast

_WITH_PERSONAL_DATA = frozenset({CREATED, RENAMED})


def is_clear_event(stored: StoredEvent) -> bool:
    """Whether `stored` holds personal data in clear (an event of an earlier version)."""
    return stored.version == V1 and stored.type_name in _WITH_PERSONAL_DATA


def sealed_event(stored: StoredEvent, key: bytes) -> bytes:
    """The envelope of the clear event `stored`, written as the current version writes it:
    its event id and time kept (its sequence number is the item's), its personal data sealed."""
    event = upcast(stored, None)  # V1 decodes without a key
    if not isinstance(event, UserAccountCreated | UserAccountRenamed):
        raise ValueError(f"{stored.type_name} {stored.version} holds no clear personal data")
    return serialize_event(event, key)


def sealed_snapshot(payload: bytes, key: bytes) -> bytes:
    """The V2 form of the V1 snapshot `payload`: the same state at the same version, sealed."""
    if not is_clear_snapshot(payload):
        raise ValueError("the snapshot holds no clear personal data")
    return serialize_snapshot(deserialize_snapshot(payload, None), key)
