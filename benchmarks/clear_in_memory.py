"""`python -m benchmarks.clear_in_memory`: `apps.in_memory` with personal data kept in clear, the
baseline of scenario 12; benchmark-only stand-ins (install_stand_ins), never a setting."""

import sys
from collections.abc import Callable, Mapping, Sequence

import apps.command_api.container as command_api_container
import interface_adapter.serialization.field_cipher as field_cipher
from apps.in_memory.__main__ import main
from infrastructure.crypto import KEY_BYTES

_THE_KEY = bytes(KEY_BYTES)


class ClearAead:
    """What `Aead` does, minus the cipher: the value itself, bound to nothing."""

    __slots__ = ()

    def __init__(self, key: bytes) -> None:
        pass

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        return plaintext

    def open(self, sealed: bytes, associated_data: bytes) -> bytes:
        return sealed


class NoDataKeys:
    """The DataKeys port with no key per account: one constant key, nothing made or stored."""

    async def create(self, account_id: str) -> bytes:
        return _THE_KEY

    async def find(self, account_id: str) -> bytes | None:
        return _THE_KEY

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        return dict.fromkeys(account_ids, _THE_KEY)

    async def destroy(self, account_id: str) -> None:
        return None


def install_stand_ins(put: Callable[[object, str, object], None] = setattr) -> None:
    """Put the stand-ins in before the containers are built, so that the app's own wiring runs
    unchanged: the field cipher's AEAD seals nothing (a sealed value is the text itself), and the
    in-memory data keys hand every account the same key, making and keeping none. Everything
    else (the journal's records, snapshots, the projection, the GraphQL path) is the product's.

    `put` replaces a module's name (a test passes its monkeypatch's). Checks that the field
    cipher then seals nothing: a stand-in that missed (a name moved) must fail the run, not
    measure encryption on both sides."""
    for module, name in ((field_cipher, "Aead"), (command_api_container, "InMemoryDataKeys")):
        if not hasattr(module, name):
            raise SystemExit(f"benchmarks.clear_in_memory: {module.__name__}.{name} is gone")
    put(field_cipher, "Aead", ClearAead)
    put(command_api_container, "InMemoryDataKeys", NoDataKeys)
    probe = field_cipher.FieldCipher(_THE_KEY, "probe").seal("first_name", "Ada")
    if probe != b"Ada":
        raise SystemExit("benchmarks.clear_in_memory: the field cipher still encrypts")


if __name__ == "__main__":
    install_stand_ins()
    sys.exit(main([]))
