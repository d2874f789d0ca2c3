"""LocalFileKeyWrapper: keys wrapped with AES-256-GCM under a key-encryption key kept in a file
(the local stack's stand-in for KMS), read, or made, on first use."""

import asyncio
import hashlib
import os
from collections.abc import Mapping

from infrastructure.crypto.aead import Aead, DecryptionError
from infrastructure.crypto.key_file import load_or_create_key_file
from infrastructure.crypto.key_wrapper import KeyUnwrapError, WrappedKey, context_bytes

WRAPPED_BY_PREFIX = "local-kek:"


class LocalFileKeyWrapper:
    """Wraps keys under the key-encryption key in `path`.

    The file is read (or created) in a thread on first use, not when the wrapper is made: opening
    the service's connections touches no file, and its readiness check (`ready`) loads it early.
    `wrapped_by` names the key-encryption key by a digest of it, so a key wrapped under another
    file is refused by name instead of failing to open.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = path
        self._aead: Aead | None = None
        self._wrapped_by = ""
        self._loading = asyncio.Lock()

    async def ready(self) -> None:
        """Load the key-encryption key now (creating its file if missing); raises if unusable."""
        await self._cipher()

    async def wrap(self, key: bytes, context: Mapping[str, str]) -> WrappedKey:
        aead = await self._cipher()
        return WrappedKey(aead.seal(key, context_bytes(context)), self._wrapped_by)

    async def unwrap(self, wrapped: WrappedKey, context: Mapping[str, str]) -> bytes:
        aead = await self._cipher()
        if wrapped.wrapped_by != self._wrapped_by:
            raise KeyUnwrapError(
                f"the key was wrapped by {wrapped.wrapped_by!r}; this process unwraps with "
                f"{self._wrapped_by!r} (the key-encryption key in {os.fspath(self._path)})"
            )
        try:
            return aead.open(wrapped.blob, context_bytes(context))
        except DecryptionError:
            raise KeyUnwrapError(
                f"the key wrapped by {wrapped.wrapped_by!r} does not unwrap in this context"
            ) from None

    async def _cipher(self) -> Aead:
        if self._aead is None:
            async with self._loading:
                if self._aead is None:
                    kek = await asyncio.to_thread(load_or_create_key_file, self._path)
                    self._wrapped_by = WRAPPED_BY_PREFIX + key_encryption_key_id(kek)
                    self._aead = Aead(kek)
        return self._aead


def key_encryption_key_id(kek: bytes) -> str:
    """A name for `kek` that gives nothing of it away: a truncated SHA-256 of a label and it."""
    return hashlib.sha256(b"key-encryption key id\x00" + kek).hexdigest()[:16]
