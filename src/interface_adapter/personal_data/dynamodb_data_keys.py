"""DynamoDbDataKeys: each account's data key, wrapped by a KeyWrapper, one item per account in
the key table (pkey = the account id, the wrapped key, which wrapping made it)."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from infrastructure.crypto import KeyWrapper, WrappedKey, new_key
from infrastructure.dynamodb.client import DynamoDbClient, error_code

if TYPE_CHECKING:
    from interface_adapter.personal_data.batched_key_lookup import BatchGetClient

WRAPPED_KEY = "wrapped_key"
WRAPPED_BY = "wrapped_by"
# The KMS encryption context (and the local wrapper's associated data) of a key: a wrapped key
# copied to another account's item does not unwrap.
CONTEXT_KEY = "account_id"
_ATTEMPTS = 3


class DynamoDbDataKeys:
    """The DataKeys port on DynamoDB.

    `create` is one conditional PutItem (the item must not exist) and no read; when another
    process won the race, the winner's key is read and returned. `find` reads strongly
    consistently: a key created a moment ago elsewhere is found, never taken for erased.
    Nothing here logs, and no error message quotes a key.
    """

    def __init__(self, client: DynamoDbClient, table_name: str, wrapper: KeyWrapper) -> None:
        self._client = client
        self._table_name = table_name
        self._wrapper = wrapper

    async def create(self, account_id: str) -> bytes:
        context = _context(account_id)
        for _ in range(_ATTEMPTS):
            key = new_key()
            wrapped = await self._wrapper.wrap(key, context)
            try:
                await self._client.put_item(
                    TableName=self._table_name,
                    Item={
                        "pkey": {"S": account_id},
                        WRAPPED_KEY: {"B": wrapped.blob},
                        WRAPPED_BY: {"S": wrapped.wrapped_by},
                    },
                    ConditionExpression="attribute_not_exists(pkey)",
                )
                return key
            except ClientError as error:
                if error_code(error) != "ConditionalCheckFailedException":
                    raise
            winner = await self.find(account_id)
            if winner is not None:
                return winner
            # The winner's key was destroyed in between: try again with ours.
        raise RuntimeError(
            f"the data key of account {account_id} was created and destroyed {_ATTEMPTS} times "
            "while this create ran"
        )

    async def find(self, account_id: str) -> bytes | None:
        _context(account_id)
        answer = await self._client.get_item(
            TableName=self._table_name, Key={"pkey": {"S": account_id}}, ConsistentRead=True
        )
        item = answer.get("Item")
        if item is None:
            return None
        return await self._wrapper.unwrap(_wrapped_key(item), _context(account_id))

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        """BatchGetItem, strongly consistent, 100 keys a request."""
        # Imported here: the lookup reads the items this module names (a cycle at import).
        from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup

        client = cast("BatchGetClient", self._client)
        return await BatchedKeyLookup(client, self._table_name, self._wrapper)(account_ids)

    async def destroy(self, account_id: str) -> None:
        _context(account_id)
        # Deleting an item that is not there succeeds: destroy is idempotent.
        await self._client.delete_item(TableName=self._table_name, Key={"pkey": {"S": account_id}})


def _context(account_id: str) -> dict[str, str]:
    if not account_id:
        raise ValueError("an account id is needed")
    return {CONTEXT_KEY: account_id}


def _wrapped_key(item: dict[str, Any]) -> WrappedKey:
    return WrappedKey(bytes(item[WRAPPED_KEY]["B"]), item[WRAPPED_BY]["S"])
