"""DataKeys: the port to each account's data key, the one its personal data is encrypted under."""

from typing import Protocol


class DataKeys(Protocol):
    """One 256-bit data key per account, kept wrapped by a key-encryption key (SPEC §9.2)."""

    async def create(self, account_id: str) -> bytes:
        """A new key, stored wrapped; idempotent per account (a second call returns the first
        key)."""
        ...

    async def find(self, account_id: str) -> bytes | None:
        """The account's key; None: the account has none (erased, or never had one: a V1-only
        history)."""
        ...

    async def destroy(self, account_id: str) -> None:
        """Delete the wrapped key (idempotent) and drop it from every cache of this process."""
        ...
