"""DynamoDbUserAccountRepository: the event journal and snapshots in DynamoDB."""

import logging
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from domain.user_account import (
    NotCreated,
    UserAccountErased,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
)
from infrastructure.dynamodb.client import DynamoDbClient, error_code
from infrastructure.tracing.journal_spans import journal_append_span
from infrastructure.tracing.trace_context import RequestTrace, request_trace
from interface_adapter.event_store.account_history import (
    erased_state,
    key_for_events,
    key_for_snapshot,
    replay_journal,
)
from interface_adapter.event_store.append_errors import is_conflict, written_before
from interface_adapter.event_store.dynamodb_erasure import seal_clear_text
from interface_adapter.event_store.journal_item import (
    persistence_id,
    stored_event_of,
    to_journal_item,
)
from interface_adapter.event_store.snapshot_item import (
    from_snapshot_item,
    snapshot_version,
    to_snapshot_item,
)
from interface_adapter.event_store.snapshot_policy import snapshot_due
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.upcasters import StoredEvent, upcast
from use_case.ports import ConcurrencyConflictError, JournalEvent

logger = logging.getLogger(__name__)

MAX_EVENTS_PER_APPEND = 100  # TransactWriteItems takes at most 100 actions.
# An item with this key already exists: someone else appended this sequence number first.
_NEW_ITEM_ONLY = "attribute_not_exists(pkey)"


class DynamoDbUserAccountRepository:
    """Appends events with optimistic concurrency on (pkey, skey); snapshots every N events.

    Personal data is sealed under the account's data key (`data_keys`): a create makes the key
    (one conditional write, before the event's), later writes find it, loads decrypt with it.
    An erasure (SPEC §9.4) seals what an earlier version wrote in clear, appends its event, then
    destroys the key: each step leaves a journal that loads, and the next erasure or load of
    the account finishes what an interrupted one left (see `store`).
    """

    def __init__(
        self,
        client: DynamoDbClient,
        journal_table_name: str,
        snapshot_table_name: str,
        snapshot_interval: int,
        data_keys: DataKeys,
    ) -> None:
        self._client = client
        self._journal_table = journal_table_name
        self._snapshot_table = snapshot_table_name
        self._snapshot_interval = snapshot_interval
        self._keys = data_keys

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        """The latest state; an erased history's without decrypting anything."""
        # The key before the events: erasure appends its event before it destroys the key, so
        # when the events read next do not end with Erased, the key found here opens them.
        key = await self._keys.find(aggregate_id.value)
        snapshot = await self._snapshot_item(aggregate_id)
        after = 0 if snapshot is None else snapshot_version(snapshot)
        stored = await self._stored_events(aggregate_id, after, None)
        if stored and stored[-1].is_erasure:
            if key is not None:  # an erasure interrupted before its last step: finish it
                await self._keys.destroy(aggregate_id.value)
            return erased_state(upcast(stored[-1], None))
        state = NotCreated(aggregate_id) if snapshot is None else from_snapshot_item(snapshot, key)
        return replay_journal(state, (upcast(event, key) for event in stored))

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        if not events:
            return
        if len(events) > MAX_EVENTS_PER_APPEND:
            raise ValueError(
                f"at most {MAX_EVENTS_PER_APPEND} events per append, not {len(events)}"
            )
        aggregate_id = events[0].aggregate_id
        key = await key_for_events(self._keys, events)
        erasing = isinstance(events[-1], UserAccountErased)
        if erasing:
            # (a) First, so that once the Erased event is there nothing of the account is left
            # in clear; sealed under the key, the journal still loads should (b) never come.
            await self._seal_clear_text(aggregate_id, expected_version)
        # The request being served (none outside one): its ids go into every item (SPEC §10.2).
        trace = request_trace.get()
        try:
            with journal_append_span(self._journal_table, len(events)):
                await self._append(events, key, trace)
        except ClientError as error:
            if written_before(error, events):
                # The SDK sent the request again after losing the reply of a write that had
                # landed: it met its own events. The append succeeded (deciding the command
                # again would refuse it, or apply it twice).
                logger.info(
                    "an append retried after a lost reply found its own events",
                    extra={"aggregate_id": aggregate_id.value, "version": events[-1].seq_nr},
                )
            elif is_conflict(error):
                raise ConcurrencyConflictError(aggregate_id, expected_version) from error
            else:
                raise
        if snapshot_due(expected_version, events[-1].seq_nr, self._snapshot_interval):
            await self._save_snapshot_after_commit(aggregate_id)
        if erasing:
            # (c) Last: a failure here leaves an erased history with its key, which the next
            # load of the account destroys (and the read model updater, applying the event).
            await self._keys.destroy(aggregate_id.value)

    async def _seal_clear_text(self, aggregate_id: UserAccountId, expected_version: int) -> None:
        items = await self._journal_items(aggregate_id, 0, None)
        snapshot = await self._snapshot_item(aggregate_id)
        try:
            await seal_clear_text(
                self._client,
                self._journal_table,
                self._snapshot_table,
                self._keys,
                aggregate_id,
                items,
                snapshot,
            )
        except ClientError as error:
            if is_conflict(error):  # an item changed since it was read: decide again
                raise ConcurrencyConflictError(aggregate_id, expected_version) from error
            raise

    async def _append(
        self, events: Sequence[UserAccountEvent], key: bytes | None, trace: RequestTrace | None
    ) -> None:
        if len(events) == 1:
            # The common path: a conditional PutItem, far cheaper than a transaction.
            await self._client.put_item(
                TableName=self._journal_table,
                Item=to_journal_item(events[0], key, trace),
                ConditionExpression=_NEW_ITEM_ONLY,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        else:
            await self._client.transact_write_items(TransactItems=self._puts(events, key, trace))

    def _puts(
        self, events: Sequence[UserAccountEvent], key: bytes | None, trace: RequestTrace | None
    ) -> list[dict[str, Any]]:
        return [
            {
                "Put": {
                    "TableName": self._journal_table,
                    "Item": to_journal_item(event, key, trace),
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
        key = await key_for_snapshot(self._keys, state)
        try:
            await self._client.put_item(
                TableName=self._snapshot_table,
                Item=to_snapshot_item(state, key),
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
        item = await self._snapshot_item(aggregate_id)
        if item is None:
            return None
        return from_snapshot_item(item, await self._keys.find(aggregate_id.value))

    async def _snapshot_item(self, aggregate_id: UserAccountId) -> dict[str, Any] | None:
        response = await self._client.get_item(
            TableName=self._snapshot_table,
            Key={"pkey": {"S": persistence_id(aggregate_id)}},
            ConsistentRead=True,
        )
        item: dict[str, Any] | None = response.get("Item")
        return item

    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]:
        """The events numbered after_seq_nr+1 .. up_to_seq_nr (or the last), in order; those
        whose account's key is gone as ErasedPersonalData."""
        stored = await self._stored_events(aggregate_id, after_seq_nr, up_to_seq_nr)
        needs_key = any(event.needs_key for event in stored)
        key = await self._keys.find(aggregate_id.value) if needs_key else None
        return [upcast(event, key) for event in stored]

    async def _stored_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None
    ) -> list[StoredEvent]:
        items = await self._journal_items(aggregate_id, after_seq_nr, up_to_seq_nr)
        return [stored_event_of(item) for item in items]

    async def _journal_items(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None
    ) -> list[dict[str, Any]]:
        """The journal items numbered after_seq_nr+1 .. up_to_seq_nr (or the last), with their
        `skey` and `payload` only."""
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
        items: list[dict[str, Any]] = []
        while True:
            response = await self._client.query(**request)
            items.extend(response.get("Items", []))
            last_key = response.get("LastEvaluatedKey")
            if last_key is None:
                return items
            request["ExclusiveStartKey"] = last_key
