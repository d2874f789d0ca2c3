"""IdGenerator: where new ULIDs come from."""

from typing import Protocol


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A new ULID, 26 upper-case Crockford base32 characters."""
        ...
