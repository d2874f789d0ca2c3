"""InMemoryDataKeys: data keys in a dict of this process, for tests and in-memory mode."""

import os

KEY_BYTES = 32  # AES-256


class InMemoryDataKeys:
    """Keys that live as long as the process: nothing is wrapped, nothing is stored elsewhere."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    async def create(self, account_id: str) -> bytes:
        return self._keys.setdefault(account_id, os.urandom(KEY_BYTES))

    async def find(self, account_id: str) -> bytes | None:
        return self._keys.get(account_id)

    async def destroy(self, account_id: str) -> None:
        self._keys.pop(account_id, None)
