"""The data keys of many accounts looked up together: BatchGetItem on the key table (100 at a
time) when the keys are DynamoDB's, one find each through DataKeys otherwise."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from infrastructure.crypto import KeyWrapper, WrappedKey
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.personal_data.dynamodb_data_keys import CONTEXT_KEY, WRAPPED_BY, WRAPPED_KEY

# BatchGetItem takes at most 100 keys a call.
_BATCH = 100
_UNPROCESSED_ATTEMPTS = 8

# The keys of some accounts: None for an account that has none (erased, or V1 only).
KeyLookup = Callable[[Sequence[str]], Awaitable[Mapping[str, bytes | None]]]


class BatchGetClient(Protocol):
    async def batch_get_item(self, **kwargs: Any) -> dict[str, Any]: ...


def one_find_each(keys: DataKeys) -> KeyLookup:
    """A lookup through the DataKeys port (the in-memory keys, or any other)."""

    async def lookup(account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        found = await asyncio.gather(*(keys.find(account_id) for account_id in account_ids))
        return dict(zip(account_ids, found, strict=True))

    return lookup


class BatchedKeyLookup:
    """The key table's items read by BatchGetItem (strongly consistent, like DynamoDbDataKeys'
    find), unwrapped by the same KeyWrapper with the same context."""

    def __init__(self, client: BatchGetClient, table_name: str, wrapper: KeyWrapper) -> None:
        self._client = client
        self._table = table_name
        self._wrapper = wrapper

    async def __call__(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        unique = sorted(set(account_ids))
        chunks = [unique[start : start + _BATCH] for start in range(0, len(unique), _BATCH)]
        items: dict[str, dict[str, Any]] = {}
        for found in await asyncio.gather(*(self._items(chunk) for chunk in chunks)):
            items.update(found)
        ids_with_key = [account_id for account_id in unique if account_id in items]
        unwrapped = await asyncio.gather(
            *(
                self._wrapper.unwrap(
                    WrappedKey(
                        bytes(items[account_id][WRAPPED_KEY]["B"]),
                        items[account_id][WRAPPED_BY]["S"],
                    ),
                    {CONTEXT_KEY: account_id},
                )
                for account_id in ids_with_key
            )
        )
        keys: dict[str, bytes | None] = dict.fromkeys(unique)
        keys.update(zip(ids_with_key, unwrapped, strict=True))
        return keys

    async def _items(self, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        request: dict[str, Any] = {
            self._table: {
                "Keys": [{"pkey": {"S": account_id}} for account_id in account_ids],
                "ConsistentRead": True,
            }
        }
        found: dict[str, dict[str, Any]] = {}
        for attempt in range(_UNPROCESSED_ATTEMPTS):
            answer = await self._client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table, []):
                found[item["pkey"]["S"]] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            await asyncio.sleep(0.05 * 2**attempt)  # throttled: back off, as the SDK would
        raise RuntimeError(
            f"the key table {self._table} left keys unprocessed {_UNPROCESSED_ATTEMPTS} times"
        )
