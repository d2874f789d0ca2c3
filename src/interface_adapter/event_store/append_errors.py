"""Why a conditional append to the journal failed: another writer first, or our own retry."""

from collections.abc import Sequence

from botocore.exceptions import ClientError

from domain.user_account import UserAccountEvent
from infrastructure.dynamodb.client import error_code

# Cancellation reasons of a transaction that mean "another writer got there first".
_CONFLICT_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def written_before(error: ClientError, events: Sequence[UserAccountEvent]) -> bool:
    """The append failed only because every one of its items is already stored, each the same
    event (same event id): a write whose reply was lost, sent again by the SDK's retries."""
    code = error_code(error)
    if code == "ConditionalCheckFailedException" and len(events) == 1:
        found = [error.response.get("Item")]
    elif code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons", [])
        if any(reason.get("Code") != "ConditionalCheckFailed" for reason in reasons):
            return False
        found = [reason.get("Item") for reason in reasons]
    else:
        return False
    stored = [(item or {}).get("event_id", {}).get("S") for item in found]
    return stored == [event.event_id for event in events]


def is_conflict(error: ClientError) -> bool:
    code = error_code(error)
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons", [])
        return any(reason.get("Code") in _CONFLICT_REASONS for reason in reasons)
    return False
