"""KeyWrapper: wraps a key under a key-encryption key (AWS KMS, or a local one), bound to a
context; WrappedKey names which wrapping made it."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class KeyUnwrapError(ValueError):
    """A wrapped key does not unwrap: another key-encryption key made it, its context differs,
    or its bytes changed. The message names the wrapping, never a key."""


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A key as stored: `blob` (opaque, encrypted) and `wrapped_by`, which wrapping made it
    (`aws-kms:<key ARN>`, `local-kek:<key-encryption key id>`)."""

    blob: bytes
    wrapped_by: str

    def __repr__(self) -> str:
        return f"WrappedKey(<{len(self.blob)} bytes>, wrapped_by={self.wrapped_by!r})"


class KeyWrapper(Protocol):
    """Wraps and unwraps keys; `context` (names and values, not secret) must be the same for
    both, so a wrapped key copied to another context does not unwrap."""

    async def ready(self) -> None:
        """Raises when this wrapper cannot work (its key-encryption key cannot be read)."""
        ...

    async def wrap(self, key: bytes, context: Mapping[str, str]) -> WrappedKey: ...

    async def unwrap(self, wrapped: WrappedKey, context: Mapping[str, str]) -> bytes: ...


def context_bytes(context: Mapping[str, str]) -> bytes:
    """One encoding of `context` whatever its order: JSON, keys sorted."""
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":")).encode()
