"""VerifiedTokens: the Principals of tokens verified already, kept until the token expires, so
that a caller's next request costs no signature check. Bounded: least recently used go first."""

from collections import OrderedDict

from infrastructure.auth.principal import Principal

DEFAULT_CAPACITY = 4096


class VerifiedTokens:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        # token text -> (Principal, the token's `exp`)
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def get(self, token: str, now: float) -> Principal | None:
        """The Principal of `token` if it was verified and `now` is before its `exp`; an entry
        past it is dropped (verifying again decides, with the leeway)."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, expires_at = entry
        if now >= expires_at:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def put(self, token: str, principal: Principal, expires_at: float, now: float) -> None:
        """Keep `principal` for `token` until `expires_at` (never an entry already past it)."""
        if self._capacity <= 0 or now >= expires_at:
            return
        self._entries[token] = (principal, expires_at)
        self._entries.move_to_end(token)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
