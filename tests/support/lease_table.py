"""InMemoryLeaseTable: the LeaseTable port in a dict, with the DynamoDB adapter's conditions."""

from dataclasses import dataclass

from infrastructure.stream_consumer import LeaseKey, LeaseState


@dataclass
class LeaseItem:
    owner: str | None
    counter: int
    expires_at_ms: int


class InMemoryLeaseTable:
    def __init__(self) -> None:
        self.items: dict[LeaseKey, LeaseItem] = {}
        # Set to make every call fail, as an unreachable DynamoDB would.
        self.failing: Exception | None = None

    async def take(self, key: LeaseKey, owner: str, now_ms: int, expires_at_ms: int) -> int | None:
        self._maybe_fail()
        item = self.items.get(key)
        if item is not None and item.owner is not None and item.expires_at_ms >= now_ms:
            return None
        counter = (item.counter if item is not None else 0) + 1
        self.items[key] = LeaseItem(owner, counter, expires_at_ms)
        return counter

    async def renew(self, key: LeaseKey, owner: str, counter: int, expires_at_ms: int) -> bool:
        self._maybe_fail()
        item = self.items.get(key)
        if item is None or item.owner != owner or item.counter != counter:
            return False
        self.items[key] = LeaseItem(owner, counter + 1, expires_at_ms)
        return True

    async def release(self, key: LeaseKey, owner: str, counter: int) -> bool:
        self._maybe_fail()
        item = self.items.get(key)
        if item is None or item.owner != owner or item.counter != counter:
            return False
        self.items[key] = LeaseItem(None, counter + 1, 0)
        return True

    async def leases_of(self, stream_arn: str) -> list[LeaseState]:
        self._maybe_fail()
        return [
            LeaseState(key.shard_id, item.owner, item.expires_at_ms)
            for key, item in self.items.items()
            if key.stream_arn == stream_arn
        ]

    def _maybe_fail(self) -> None:
        if self.failing is not None:
            raise self.failing
