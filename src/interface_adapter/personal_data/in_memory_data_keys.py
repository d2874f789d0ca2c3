"""InMemoryDataKeys: each account's data key in a dict of this process (tests, in-memory mode),
behaving as DynamoDbDataKeys does (the same contract suite runs on both)."""

from collections.abc import Mapping, Sequence

from infrastructure.crypto import new_key


class InMemoryDataKeys:
    """Keys kept unwrapped in memory: nothing outlives the process, so nothing needs wrapping."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    async def create(self, account_id: str) -> bytes:
        _check(account_id)
        key = self._keys.get(account_id)
        if key is None:
            key = self._keys[account_id] = new_key()
        return key

    async def find(self, account_id: str) -> bytes | None:
        _check(account_id)
        return self._keys.get(account_id)

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        for account_id in account_ids:
            _check(account_id)
        return {account_id: self._keys.get(account_id) for account_id in account_ids}

    async def destroy(self, account_id: str) -> None:
        _check(account_id)
        self._keys.pop(account_id, None)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"InMemoryDataKeys(<{len(self._keys)} keys>)"


def _check(account_id: str) -> None:
    if not account_id:
        raise ValueError("an account id is needed")
