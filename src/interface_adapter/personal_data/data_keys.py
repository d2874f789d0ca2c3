"""DataKeys: the port of each account's 256-bit data key (SPEC §9.2), used by the event store,
the serializers and the stream handler; the domain and the use cases never see a key."""

from collections.abc import Mapping, Sequence
from typing import Protocol


class DataKeys(Protocol):
    async def create(self, account_id: str) -> bytes:
        """A new key, stored wrapped; idempotent per account (a second call returns the first
        key)."""
        ...

    async def find(self, account_id: str) -> bytes | None:
        """None: the account has none (erased, or never had one: V1-only history)."""
        ...

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        """`find` of each account at once (one request where the store allows it)."""
        ...

    async def destroy(self, account_id: str) -> None:
        """Delete the wrapped key (idempotent) and drop it from every cache of this process."""
        ...
