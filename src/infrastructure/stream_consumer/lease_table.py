"""LeaseTable: conditional writes on one lease item per shard, the way the Kinesis Client Library
keeps its leases (owner, a counter bumped by every write, an expiry)."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LeaseKey:
    """The lease of one shard of one stream."""

    stream_arn: str
    shard_id: str


class LeaseTable(Protocol):
    async def take(self, key: LeaseKey, owner: str, now_ms: int, expires_at_ms: int) -> int | None:
        """Make `owner` the holder when the lease is free (no item, no owner) or expired
        (`expires_at` < `now_ms`): the new counter. None when someone holds it."""
        ...

    async def renew(self, key: LeaseKey, owner: str, counter: int, expires_at_ms: int) -> bool:
        """Push the expiry out, on condition that `owner` still holds the lease at `counter`
        (the counter then moves on by one). False: the lease was taken by another or released."""
        ...

    async def release(self, key: LeaseKey, owner: str, counter: int) -> bool:
        """Give the lease up, so that another can take it at once; False when it was not ours."""
        ...
