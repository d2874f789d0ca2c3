"""Snapshot items: an aggregate's latest state as a DynamoDB item (attribute-value format)."""

from collections.abc import Mapping
from typing import Any

from domain.user_account import UserAccountState
from interface_adapter.event_store.journal_item import binary_value, persistence_id
from interface_adapter.serialization.snapshot_serializer import (
    deserialize_snapshot,
    serialize_snapshot,
)


def to_snapshot_item(state: UserAccountState, key: bytes | None) -> dict[str, Any]:
    """One item per aggregate: `seq_nr` lets a conditional write keep only the newest (and a
    load know where the events after it start without opening the snapshot)."""
    return {
        "pkey": {"S": persistence_id(state.id)},
        "seq_nr": {"N": str(state.version)},
        "payload": {"B": serialize_snapshot(state, key)},
    }


def snapshot_version(item: Mapping[str, Any]) -> int:
    return int(item["seq_nr"]["N"])


def from_snapshot_item(item: Mapping[str, Any], key: bytes | None) -> UserAccountState:
    return deserialize_snapshot(binary_value(item["payload"]), key)
