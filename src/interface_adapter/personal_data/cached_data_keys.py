"""CachedDataKeys: unwrapped data keys kept in this process for at most KEY_CACHE_SECONDS, in a
bounded least-recently-used map in front of another DataKeys."""

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from interface_adapter.personal_data.data_keys import DataKeys

DEFAULT_CAPACITY = 10_000


def _monotonic() -> float:
    # Read at each call, not bound at import: tests' virtual clocks replace time.monotonic.
    return time.monotonic()


class CachedDataKeys:
    """The DataKeys port over `inner`, keeping each key found or created for `ttl_seconds`
    (counted from when it was cached, not from its last use), at most `capacity` keys.

    - A key destroyed by another process stays usable here until its entry expires: that is
      the bound KEY_CACHE_SECONDS puts on it (docs/deployment.md). `destroy` through this
      object evicts at once.
    - "No key" is never cached: a key created elsewhere a moment later must be found.
    - A find or create that was waiting on `inner` while this process destroyed keys does not
      cache what it brings back (the key may be the destroyed one).
    - `ttl_seconds` 0 (or `capacity` 0) turns the cache off: every call goes to `inner`.
    """

    def __init__(
        self,
        inner: DataKeys,
        ttl_seconds: float,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = _monotonic,
    ) -> None:
        if ttl_seconds < 0 or capacity < 0:
            raise ValueError("ttl_seconds and capacity must be 0 or more")
        self._inner = inner
        self._ttl = ttl_seconds
        self._capacity = capacity if ttl_seconds > 0 else 0
        self._clock = clock
        # account id -> (key, when it expires)
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._destroys = 0  # counts destroys, so that a load overtaken by one keeps nothing

    def __len__(self) -> int:
        return len(self._entries)

    async def create(self, account_id: str) -> bytes:
        destroys = self._destroys
        key = await self._inner.create(account_id)
        self._keep(account_id, key, destroys)
        return key

    async def find(self, account_id: str) -> bytes | None:
        entry = self._entries.get(account_id)
        if entry is not None:
            key, expires = entry
            if self._clock() < expires:
                self._entries.move_to_end(account_id)
                return key
            del self._entries[account_id]
        destroys = self._destroys
        found = await self._inner.find(account_id)
        if found is not None:
            self._keep(account_id, found, destroys)
        return found

    async def find_many(self, account_ids: Sequence[str]) -> Mapping[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        misses = []
        now = self._clock()
        for account_id in account_ids:
            entry = self._entries.get(account_id)
            if entry is not None and now < entry[1]:
                self._entries.move_to_end(account_id)
                found[account_id] = entry[0]
                continue
            if entry is not None:
                del self._entries[account_id]
            misses.append(account_id)
        if misses:
            destroys = self._destroys
            loaded = await self._inner.find_many(misses)
            for account_id in misses:
                key = found[account_id] = loaded.get(account_id)
                if key is not None:
                    self._keep(account_id, key, destroys)
        return found

    async def destroy(self, account_id: str) -> None:
        # Before and after: whatever a find caches while the delete is under way goes too.
        self._destroys += 1
        self._entries.pop(account_id, None)
        try:
            await self._inner.destroy(account_id)
        finally:
            self._destroys += 1
            self._entries.pop(account_id, None)

    def _keep(self, account_id: str, key: bytes, destroys_before: int) -> None:
        if self._capacity == 0 or self._destroys != destroys_before:
            return
        self._entries[account_id] = (key, self._clock() + self._ttl)
        self._entries.move_to_end(account_id)
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def __repr__(self) -> str:
        return f"CachedDataKeys(<{len(self._entries)} keys>, ttl_seconds={self._ttl})"
