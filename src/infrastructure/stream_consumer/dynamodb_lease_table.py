"""DynamoDbLeaseTable: shard leases as items of a DynamoDB table, changed by conditional writes."""

from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError

from infrastructure.dynamodb.client import DynamoDbClient, error_code
from infrastructure.dynamodb.tables import ensure_table
from infrastructure.stream_consumer.lease_table import LeaseKey

_CONDITION_FAILED = "ConditionalCheckFailedException"

_TAKE = (
    "SET lease_owner = :owner, expires_at = :expires, "
    "lease_counter = if_not_exists(lease_counter, :zero) + :one"
)
_FREE_OR_EXPIRED = (
    "attribute_not_exists(stream_arn) OR attribute_not_exists(lease_owner) OR expires_at < :now"
)
_HELD_BY_US = "lease_owner = :owner AND lease_counter = :counter"


class LeaseClient(DynamoDbClient, Protocol):
    async def update_item(self, **kwargs: Any) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class LeaseState:
    """One lease as stored: who holds it (None: free) and until when."""

    shard_id: str
    owner: str | None
    expires_at_ms: int


def lease_table_definition(name: str) -> dict[str, Any]:
    """stream_arn + shard_id: a stream's leases are one partition."""
    return {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "stream_arn", "KeyType": "HASH"},
            {"AttributeName": "shard_id", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "stream_arn", "AttributeType": "S"},
            {"AttributeName": "shard_id", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


class DynamoDbLeaseTable:
    """The lease table: one item per shard, each write conditional on the item's last state.

    One item per (stream ARN, shard id): `lease_owner` (absent when free), `lease_counter`,
    bumped by every write so that a holder's renewal fails once anyone else has written, and
    `expires_at` in milliseconds since the epoch. A lease is taken only when free or expired;
    the holder's clock and the taker's must agree to well within the lease time (NTP on one
    region's hosts does). The table is created on first use when missing (also after the local
    emulator was restarted).
    """

    def __init__(self, client: LeaseClient, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    async def take(self, key: LeaseKey, owner: str, now_ms: int, expires_at_ms: int) -> int | None:
        try:
            response = await self._update(
                key,
                UpdateExpression=_TAKE,
                ConditionExpression=_FREE_OR_EXPIRED,
                ExpressionAttributeValues={
                    ":owner": {"S": owner},
                    ":expires": {"N": str(expires_at_ms)},
                    ":now": {"N": str(now_ms)},
                    ":zero": {"N": "0"},
                    ":one": {"N": "1"},
                },
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return None
            raise
        return int(response["Attributes"]["lease_counter"]["N"])

    async def renew(self, key: LeaseKey, owner: str, counter: int, expires_at_ms: int) -> bool:
        return await self._if_ours(
            key,
            "SET lease_counter = lease_counter + :one, expires_at = :expires",
            owner,
            counter,
            {":expires": {"N": str(expires_at_ms)}},
        )

    async def release(self, key: LeaseKey, owner: str, counter: int) -> bool:
        return await self._if_ours(
            key,
            "SET lease_counter = lease_counter + :one, expires_at = :zero REMOVE lease_owner",
            owner,
            counter,
            {":zero": {"N": "0"}},
        )

    async def leases_of(self, stream_arn: str) -> list[LeaseState]:
        """Every lease of the stream's shards (none while the table does not exist)."""
        states: list[LeaseState] = []
        request: dict[str, Any] = {
            "TableName": self._table_name,
            "KeyConditionExpression": "stream_arn = :arn",
            "ExpressionAttributeValues": {":arn": {"S": stream_arn}},
            "ConsistentRead": True,
        }
        while True:
            try:
                response = await self._client.query(**request)
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return []
                raise
            states += [
                LeaseState(
                    shard_id=item["shard_id"]["S"],
                    owner=item.get("lease_owner", {}).get("S"),
                    expires_at_ms=int(item.get("expires_at", {}).get("N", "0")),
                )
                for item in response.get("Items", [])
            ]
            if "LastEvaluatedKey" not in response:
                return states
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    async def _if_ours(
        self,
        key: LeaseKey,
        update: str,
        owner: str,
        counter: int,
        values: dict[str, dict[str, str]],
    ) -> bool:
        try:
            await self._update(
                key,
                UpdateExpression=update,
                ConditionExpression=_HELD_BY_US,
                ExpressionAttributeValues={
                    ":owner": {"S": owner},
                    ":counter": {"N": str(counter)},
                    ":one": {"N": "1"},
                    **values,
                },
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return False
            raise
        return True

    async def _update(self, key: LeaseKey, **request: Any) -> dict[str, Any]:
        item_key = {"stream_arn": {"S": key.stream_arn}, "shard_id": {"S": key.shard_id}}
        try:
            return await self._client.update_item(
                TableName=self._table_name, Key=item_key, **request
            )
        except ClientError as error:
            if error_code(error) != "ResourceNotFoundException":
                raise
        # No table yet (first start, or an emulator restarted): create it and try once more.
        await ensure_table(self._client, lease_table_definition(self._table_name))
        return await self._client.update_item(TableName=self._table_name, Key=item_key, **request)
