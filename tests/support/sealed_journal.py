"""Journals of many accounts written straight into DynamoDB (BatchWriteItem), sealed as the
project seals them, with each account's wrapped key in the key table; and their replay."""

import asyncio
import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.crypto import KeyWrapper, new_key
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.journal_item import from_journal_item, to_journal_item
from interface_adapter.personal_data.dynamodb_data_keys import CONTEXT_KEY, WRAPPED_BY, WRAPPED_KEY
from use_case.ports import JournalEvent, UserAccountRow
from use_case.user_account_projection.apply_event import apply_event

_BATCH = 25  # BatchWriteItem takes at most 25 items
_START = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)


def histories(accounts: int, seed: int = 15) -> list[list[UserAccountEvent]]:
    """`accounts` histories: each created, renamed 0 to 3 times, one in seven then deleted, one
    in eleven then erased (write_sealed leaves those without a key, as an erasure does)."""
    pick = random.Random(seed)
    ids = UlidGenerator()
    result = []
    for number in range(accounts):
        account_id = UserAccountId(ids.new_id())
        moment = _START + timedelta(milliseconds=number)
        name = UserAccountName(f"First{number}", "Last")
        email = EmailAddress(f"user{number}@example.com")
        history: list[UserAccountEvent] = [
            UserAccountCreated(ids.new_id(), account_id, 1, moment, name, email, "owner")
        ]
        for _ in range(pick.randrange(4)):
            new_name = UserAccountName(f"First{number}", f"Last{len(history) + 1}")
            moment += timedelta(seconds=1)
            history.append(
                UserAccountRenamed(
                    ids.new_id(), account_id, len(history) + 1, moment, name, new_name
                )
            )
            name = new_name
        if pick.randrange(7) == 0:
            moment += timedelta(seconds=1)
            history.append(UserAccountDeleted(ids.new_id(), account_id, len(history) + 1, moment))
        if pick.randrange(11) == 0:
            moment += timedelta(seconds=1)
            history.append(UserAccountErased(ids.new_id(), account_id, len(history) + 1, moment))
        result.append(history)
    return result


async def write_sealed(
    client: Any,
    journal_table: str,
    key_table: str,
    wrapper: KeyWrapper,
    events: Sequence[UserAccountEvent],
    keys: dict[str, bytes] | None = None,
    concurrency: int = 4,
) -> dict[str, bytes]:
    """`events` as V2 journal items under their accounts' keys (made and wrapped into the key
    table for accounts not in `keys`; none kept for an account erased); every kept key."""
    keys = {} if keys is None else keys
    new_ids = sorted({event.aggregate_id.value for event in events} - set(keys))
    key_items = []
    for account_id in new_ids:
        keys[account_id] = new_key()
        wrapped = await wrapper.wrap(keys[account_id], {CONTEXT_KEY: account_id})
        key_items.append(
            {
                "pkey": {"S": account_id},
                WRAPPED_KEY: {"B": wrapped.blob},
                WRAPPED_BY: {"S": wrapped.wrapped_by},
            }
        )
    erased = {event.aggregate_id.value for event in events if isinstance(event, UserAccountErased)}
    key_items = [item for item in key_items if item["pkey"]["S"] not in erased]
    await batch_write(client, key_table, key_items, concurrency)
    items = [to_journal_item(event, keys[event.aggregate_id.value]) for event in events]
    await batch_write(client, journal_table, items, concurrency)
    for account_id in erased:
        keys.pop(account_id, None)
    return keys


async def batch_write(
    client: Any, table: str, items: Sequence[dict[str, Any]], concurrency: int = 4
) -> None:
    batches = iter(_chunks(items, _BATCH))

    async def worker() -> None:
        for batch in batches:
            requests: list[dict[str, Any]] = [{"PutRequest": {"Item": item}} for item in batch]
            while requests:
                answer = await client.batch_write_item(RequestItems={table: requests})
                requests = answer.get("UnprocessedItems", {}).get(table, [])

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def replayed_journal(
    client: Any, journal_table: str, keys: Mapping[str, bytes | None]
) -> dict[UserAccountId, UserAccountRow]:
    """Every account's row as apply_event folds its whole history, read back from the journal
    (a consistent Scan); an account absent from `keys` (or None there) has no key: erased."""
    request: dict[str, Any] = {"TableName": journal_table, "ConsistentRead": True}
    events: list[JournalEvent] = []
    while True:
        answer = await client.scan(**request)
        for item in answer.get("Items", []):
            events.append(from_journal_item(item, keys.get(item["aggregate_id"]["S"])))
        if "LastEvaluatedKey" not in answer:
            break
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    rows: dict[UserAccountId, UserAccountRow] = {}
    for event in sorted(events, key=lambda event: (event.aggregate_id.value, event.seq_nr)):
        rows[event.aggregate_id] = apply_event(rows.get(event.aggregate_id), event)
    return rows


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
