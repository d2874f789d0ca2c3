"""DataKeys for the tests: the in-memory one, watched and steerable (a wrong key for an account, to
prove something was not decrypted), and those of a stack's processes."""

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from infrastructure.crypto import LocalFileKeyWrapper
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
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
        # How many of the next destroys fail (a key store away), to interrupt an erasure.
        self.failing_destroys = 0

    async def create(self, account_id: str) -> bytes:
        self.creates[account_id] += 1
        key = await self._keys.create(account_id)
        return self._substitutes.get(account_id, key)

    async def find(self, account_id: str) -> bytes | None:
        self.finds[account_id] += 1
        key = await self._keys.find(account_id)
        return None if key is None else self._substitutes.get(account_id, key)

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        return {account_id: await self.find(account_id) for account_id in account_ids}

    async def destroy(self, account_id: str) -> None:
        if self.failing_destroys > 0:
            self.failing_destroys -= 1
            raise ConnectionError("the key store is away (a test's fault)")
        self.destroyed.append(account_id)
        self._substitutes.pop(account_id, None)
        await self._keys.destroy(account_id)

    def substitute(self, account_id: str, key: bytes) -> None:
        """Answer `key` for `account_id` from now on (while it has a key)."""
        self._substitutes[account_id] = key


def stack_data_keys(dynamodb: Any, key_table: str, kek_file: str | os.PathLike[str]) -> DataKeys:
    """The data keys as the processes of a test's stack use them: the wrapped keys in
    `key_table` of `dynamodb`, unwrapped with the key-encryption key in `kek_file`; what a test
    needs to write events those processes read, or to read the events they wrote."""
    return DynamoDbDataKeys(dynamodb, key_table, LocalFileKeyWrapper(kek_file))


# The key table and key-encryption key of each journal table a test's processes write, so the
# journal checks open what those processes sealed (see remember_stack_keys).
_KEYS_OF_JOURNAL: dict[str, tuple[str, str]] = {}


def remember_stack_keys(
    journal_table: str, key_table: str, kek_file: str | os.PathLike[str]
) -> None:
    """Say where the data keys of the events in `journal_table` are."""
    _KEYS_OF_JOURNAL[journal_table] = (key_table, os.fspath(kek_file))


def journal_data_keys(dynamodb: Any, journal_table: str) -> DataKeys:
    """The data keys of the events in `journal_table` (remembered by the fixture that made it)."""
    if journal_table not in _KEYS_OF_JOURNAL:
        raise LookupError(f"no data keys were remembered for the journal table {journal_table}")
    key_table, kek_file = _KEYS_OF_JOURNAL[journal_table]
    return stack_data_keys(dynamodb, key_table, kek_file)
