"""UlidGenerator: new ULIDs from python-ulid, upper-case Crockford base32."""

from ulid import ULID


class UlidGenerator:
    def new_id(self) -> str:
        return str(ULID())
