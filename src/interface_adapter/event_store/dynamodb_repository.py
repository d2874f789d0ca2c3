"""DynamoDbUserAccountRepository: the event journal and snapshots in DynamoDB."""

import logging
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from domain.user_account import (
    NotCreated,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
    replay,
)
from infrastructure.dynamodb.client import DynamoDbClient, error_code
from interface_adapter.event_store.journal_item import (
    from_journal_item,
    persistence_id,
    to_journal_item,
)
from interface_adapter.event_store.snapshot_item import from_snapshot_item, to_snapshot_item
from interface_adapter.event_store.snapshot_policy import snapshot_due
from use_case.ports import ConcurrencyConflictError

logger = logging.getLogger(__name__)

MAX_EVENTS_PER_APPEND = 100  # TransactWriteItems takes at most 100 actions.
# An item with this key already exists: someone else appended this sequence number first.
_NEW_ITEM_ONLY = "attribute_not_exists(pkey)"
# Cancellation reasons of a transaction that mean "another writer got there first".
_CONFLICT_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class DynamoDbUserAccountRepository:
    """Appends events with optimistic concurrency on (pkey, skey); snapshots every N events."""

    def __init__(
        self,
        client: DynamoDbClient,
        journal_table_name: str,
        snapshot_table_name: str,
        snapshot_interval: int,
    ) -> None:
        self._client = client
        self._journal_table = journal_table_name
        self._snapshot_table = snapshot_table_name
        self._snapshot_interval = snapshot_interval

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        snapshot = await self.read_snapshot(aggregate_id) or NotCreated(aggregate_id)
        return replay(snapshot, await self.read_events(aggregate_id, snapshot.version))

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        if not events:
            return
        if len(events) > MAX_EVENTS_PER_APPEND:
            raise ValueError(
                f"at most {MAX_EVENTS_PER_APPEND} events per append, not {len(events)}"
            )
        aggregate_id = events[0].aggregate_id
        try:
            if len(events) == 1:
                # The common path: a conditional PutItem, far cheaper than a transaction.
                await self._client.put_item(
                    TableName=self._journal_table,
                    Item=to_journal_item(events[0]),
                    ConditionExpression=_NEW_ITEM_ONLY,
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            else:
                await self._client.transact_write_items(TransactItems=self._puts(events))
        except ClientError as error:
            if _written_before(error, events):
                # The SDK sent the request again after losing the reply of a write that had
                # landed: it met its own events. The append succeeded (deciding the command
                # again would refuse it, or apply it twice).
                logger.info(
                    "an append retried after a lost reply found its own events",
                    extra={"aggregate_id": aggregate_id.value, "version": events[-1].seq_nr},
                )
            elif _is_conflict(error):
                raise ConcurrencyConflictError(aggregate_id, expected_version) from error
            else:
                raise
        if snapshot_due(expected_version, events[-1].seq_nr, self._snapshot_interval):
            await self._save_snapshot_after_commit(aggregate_id)

    def _puts(self, events: Sequence[UserAccountEvent]) -> list[dict[str, Any]]:
        return [
            {
                "Put": {
                    "TableName": self._journal_table,
                    "Item": to_journal_item(event),
                    "ConditionExpression": _NEW_ITEM_ONLY,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
            for event in events
        ]

    async def _save_snapshot_after_commit(self, aggregate_id: UserAccountId) -> None:
        """Snapshot the aggregate as it now stands (loaded: a snapshot is due once every
        SNAPSHOT_INTERVAL events, so the read is rare). The events are committed: a failed
        snapshot only makes later loads replay more events."""
        try:
            await self.save_snapshot(await self.load(aggregate_id))
        except Exception:
            logger.warning(
                "snapshot write failed; the events are committed",
                extra={"aggregate_id": aggregate_id.value},
                exc_info=True,
            )

    async def save_snapshot(self, state: UserAccountState) -> bool:
        """Keep `state` as the snapshot unless a newer one is stored; True when written."""
        try:
            await self._client.put_item(
                TableName=self._snapshot_table,
                Item=to_snapshot_item(state),
                ConditionExpression="attribute_not_exists(pkey) OR seq_nr < :seq_nr",
                ExpressionAttributeValues={":seq_nr": {"N": str(state.version)}},
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    async def read_snapshot(self, aggregate_id: UserAccountId) -> UserAccountState | None:
        """The aggregate's latest snapshot, or None."""
        response = await self._client.get_item(
            TableName=self._snapshot_table,
            Key={"pkey": {"S": persistence_id(aggregate_id)}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else from_snapshot_item(item)

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        """The events numbered after_seq_nr+1 .. up_to_seq_nr (or the last), in order."""
        values: dict[str, Any] = {
            ":pkey": {"S": persistence_id(aggregate_id)},
            ":from": {"N": str(after_seq_nr + 1)},
        }
        condition = "pkey = :pkey AND skey >= :from"
        if up_to_seq_nr is not None:
            if up_to_seq_nr <= after_seq_nr:
                return []
            condition = "pkey = :pkey AND skey BETWEEN :from AND :to"
            values[":to"] = {"N": str(up_to_seq_nr)}
        request: dict[str, Any] = {
            "TableName": self._journal_table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            # Only what decoding needs: the envelope is the source of truth.
            "ProjectionExpression": "skey, payload",
            "ConsistentRead": True,
        }
        events: list[UserAccountEvent] = []
        while True:
            response = await self._client.query(**request)
            events.extend(from_journal_item(item) for item in response.get("Items", []))
            last_key = response.get("LastEvaluatedKey")
            if last_key is None:
                return events
            request["ExclusiveStartKey"] = last_key


def _written_before(error: ClientError, events: Sequence[UserAccountEvent]) -> bool:
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


def _is_conflict(error: ClientError) -> bool:
    code = error_code(error)
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons", [])
        return any(reason.get("Code") in _CONFLICT_REASONS for reason in reasons)
    return False
