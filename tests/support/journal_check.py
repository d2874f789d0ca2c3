"""The journal as the fault tests check it: scanned whole, gap-free, each command in it once."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountRenamed,
)
from interface_adapter.event_store.journal_item import from_journal_item
from interface_adapter.personal_data.data_keys import DataKeys
from tests.support.command_client import CommandOutcome
from tests.support.data_keys import journal_data_keys
from use_case.ports import ErasedPersonalData


async def journal_events(dynamodb: Any, table: str) -> list[UserAccountEvent]:
    """Every event of the journal table (a consistent Scan), in order per aggregate, decrypted
    with the keys of the stack's processes."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        response = await dynamodb.scan(**request)
        items.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    events = await decrypted_events(items, journal_data_keys(dynamodb, table))
    return sorted(events, key=lambda event: (event.aggregate_id.value, event.seq_nr))


async def decrypted_events(
    items: Iterable[Mapping[str, Any]], data_keys: DataKeys
) -> list[UserAccountEvent]:
    """The events of journal items, each account's key found once; an item whose key is not
    found fails (the journal checks compare what was written)."""
    keys: dict[str, bytes | None] = {}
    events: list[UserAccountEvent] = []
    for item in items:
        account_id = item["aggregate_id"]["S"]
        if account_id not in keys:
            keys[account_id] = await data_keys.find(account_id)
        event = from_journal_item(item, keys[account_id])
        assert not isinstance(event, ErasedPersonalData), f"no key found for {account_id}"
        events.append(event)
    return events


def tag_of(event: UserAccountEvent) -> str:
    """The first name the event wrote (the tag of the command behind it); '' for a delete."""
    match event:
        case UserAccountCreated():
            return event.name.first_name
        case UserAccountRenamed():
            return event.new_name.first_name
        case UserAccountDeleted():
            return ""
    raise AssertionError(f"unknown event {event!r}")


def assert_gap_free(events: Sequence[UserAccountEvent]) -> None:
    """Every aggregate's sequence numbers are 1..n and its first event is its creation."""
    by_account: dict[str, list[UserAccountEvent]] = defaultdict(list)
    for event in events:
        by_account[event.aggregate_id.value].append(event)
    for account, history in by_account.items():
        numbers = [event.seq_nr for event in history]
        assert numbers == list(range(1, len(history) + 1)), f"{account}: {numbers}"
        assert isinstance(history[0], UserAccountCreated), account


def assert_commands_in_journal(
    events: Sequence[UserAccountEvent], outcomes: Iterable[CommandOutcome]
) -> int:
    """Each acknowledged command's event is in the journal exactly once, at the version it was
    acknowledged with; a failed command left at most one event (its outcome was unknown to the
    client); no event comes from nowhere. Returns the number of acknowledged commands."""
    assert_gap_free(events)
    by_key = {(event.aggregate_id.value, event.seq_nr): event for event in events}
    tags = Counter(tag_of(event) for event in events if tag_of(event))
    known_tags = {outcome.tag for outcome in outcomes if outcome.tag}
    invented = set(tags) - known_tags
    assert not invented, f"events no command wrote: {sorted(invented)[:10]}"
    repeated = {tag: count for tag, count in tags.items() if count > 1}
    assert not repeated, f"commands applied more than once: {repeated}"
    acknowledged = 0
    for outcome in outcomes:
        if not outcome.acknowledged:
            continue
        acknowledged += 1
        assert outcome.account_id is not None
        assert outcome.version is not None
        event = by_key.get((outcome.account_id, outcome.version))
        assert event is not None, f"acknowledged but not in the journal: {outcome}"
        expected = UserAccountDeleted if outcome.kind == "delete" else None
        if expected is None:
            assert tag_of(event) == outcome.tag, f"{outcome} is not {event}"
        else:
            assert isinstance(event, expected), f"{outcome} is not {event}"
    return acknowledged
