"""DataKeys for the tests: the in-memory one, watched (what was asked) and steerable (a wrong key
for an account, to prove something was not decrypted)."""

from collections import Counter
from typing import Any

from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys


class WatchedDataKeys:
    """InMemoryDataKeys that counts the calls per account and can be told to hand out another
    key for an account (which opens none of its values)."""

    def __init__(self) -> None:
        self._keys = InMemoryDataKeys()
        self._substitutes: dict[str, bytes] = {}
        self.creates: Counter[str] = Counter()
        self.finds: Counter[str] = Counter()
        self.destroyed: list[str] = []

    async def create(self, account_id: str) -> bytes:
        self.creates[account_id] += 1
        key = await self._keys.create(account_id)
        return self._substitutes.get(account_id, key)

    async def find(self, account_id: str) -> bytes | None:
        self.finds[account_id] += 1
        key = await self._keys.find(account_id)
        return None if key is None else self._substitutes.get(account_id, key)

    async def destroy(self, account_id: str) -> None:
        self.destroyed.append(account_id)
        self._substitutes.pop(account_id, None)
        await self._keys.destroy(account_id)

    def substitute(self, account_id: str, key: bytes) -> None:
        """Answer `key` for `account_id` from now on (while it has a key)."""
        self._substitutes[account_id] = key


def stack_data_keys(dynamodb: Any) -> DataKeys:
    """The data keys as the processes a test starts (Command API, updater) use them, reached
    through `dynamodb`, their DynamoDB: what a test needs to write events those processes read,
    or to read the events they wrote.

    Until the containers wire the keys helper's key store (issue 14), each process keeps its keys
    in its own memory (InMemoryDataKeys) and no test can reach them: the tests that span processes
    cannot decrypt one another's events. At that merge, this returns the store the containers use.
    """
    return InMemoryDataKeys()
