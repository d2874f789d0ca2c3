"""ShardLeases: the shards this updater process may read, each held by a lease it keeps renewing."""

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable

from infrastructure.backoff import sleep_unless_set
from infrastructure.stream_consumer.lease_table import LeaseKey, LeaseTable

logger = logging.getLogger(__name__)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def new_owner_id() -> str:
    """Unique per process start: host, pid (shown by the stack scripts) and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class HeldLease:
    """A lease this process holds; `held()` is False from the moment it may no longer be ours."""

    def __init__(
        self,
        key: LeaseKey,
        counter: int,
        valid_until: float,
        on_lost: Callable[[], None],
        monotonic: Callable[[], float],
    ) -> None:
        self.key = key
        self.counter = counter
        # Measured from before the write that took or renewed it, so never later than the
        # expiry another process sees (clocks agreeing).
        self.valid_until = valid_until
        self.on_lost = on_lost
        self.lost = False
        self._monotonic = monotonic

    def held(self) -> bool:
        return not self.lost and self._monotonic() < self.valid_until


class ShardLeases:
    """The leases this process holds, taken, renewed and given up like the KCL's.

    Like the Kinesis Client Library's lease coordinator: a free or expired lease is taken, every
    held lease is renewed every third of the lease time, and a lease whose renewal fails is given
    up at once (its reader is told to stop). A holder also counts its lease as lost when it could
    not renew it in time (DynamoDB unreachable): by then another process may have taken it.
    Unlike the KCL, no lease is stolen to even out the shards between processes: a lease changes
    hands only when released or expired, so a second updater is a hot standby (locally the stream
    has one shard).

    There is always a window between a lease lost and the holder noticing (a renewal round, a
    pause of the process, a write already on the wire). A write that lands in it is harmless: the
    projection applies event n only on version n-1 (a duplicate is skipped, a row never goes
    back), a checkpoint moved back by the old holder only makes the new one read records again,
    and a record parked by both only adds up its attempts.
    """

    def __init__(
        self,
        table: LeaseTable,
        duration_seconds: float,
        owner: str | None = None,
        *,
        wall_ms: Callable[[], int] = _wall_ms,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._table = table
        self._duration = duration_seconds
        self.owner = owner or new_owner_id()
        self._wall_ms = wall_ms
        self._monotonic = monotonic
        self._held: dict[LeaseKey, HeldLease] = {}
        # Leases found held by another process, each logged once until taken.
        self._standing_by: set[LeaseKey] = set()
        # One lease write at a time: a release must not race a renewal of the same lease.
        self._lock = asyncio.Lock()
        # When the lease table last answered a take or a renewal (monotonic); None: never.
        self._answered_at: float | None = None

    @property
    def renew_interval_seconds(self) -> float:
        """How often held leases are renewed, and free ones looked for: a third of the time."""
        return self._duration / 3

    async def acquire(self, key: LeaseKey, on_lost: Callable[[], None]) -> HeldLease | None:
        """The lease of `key` when it is ours or could be taken; None when another holds it.
        `on_lost` is called (once) when the lease is lost later."""
        async with self._lock:
            lease = self._held.get(key)
            if lease is not None:
                if lease.held():
                    lease.on_lost = on_lost
                    return lease
                self._lose(lease, "its renewal is overdue")
            started = self._monotonic()
            now_ms = self._wall_ms()
            counter = await self._table.take(
                key, self.owner, now_ms, now_ms + int(self._duration * 1000)
            )
            self._answered_at = self._monotonic()
            if counter is None:
                if key not in self._standing_by:
                    self._standing_by.add(key)
                    logger.info(
                        "another updater holds the lease of a shard; standing by", extra=_log(key)
                    )
                return None
            lease = HeldLease(key, counter, started + self._duration, on_lost, self._monotonic)
            self._held[key] = lease
            self._standing_by.discard(key)
        logger.info(
            "took the lease of a shard",
            extra={**_log(key), "owner": self.owner, "lease_counter": counter},
        )
        return lease

    async def keep_renewed(self, stop: asyncio.Event) -> None:
        """Renew every held lease each renew interval until `stop` is set."""
        while not await sleep_unless_set(stop, self.renew_interval_seconds):
            await self.renew_all()

    async def renew_all(self) -> None:
        async with self._lock:
            for lease in list(self._held.values()):
                await self._renew(lease)

    async def _renew(self, lease: HeldLease) -> None:
        started = self._monotonic()
        expires_at_ms = self._wall_ms() + int(self._duration * 1000)
        renewed: bool | None = None
        try:
            # Waiting past the lease's validity is pointless: it is lost by then anyway.
            async with asyncio.timeout(max(lease.valid_until - started, 0.001)):
                renewed = await self._table.renew(
                    lease.key, self.owner, lease.counter, expires_at_ms
                )
        except Exception as error:
            logger.warning(
                "could not renew a shard lease; retrying",
                extra={**_log(lease.key), "error": f"{type(error).__name__}: {error}"},
            )
        if renewed is not None:
            self._answered_at = self._monotonic()
        if renewed:
            lease.counter += 1
            lease.valid_until = started + self._duration
        elif renewed is False:
            self._lose(lease, "another updater took it")
        elif not lease.held():
            self._lose(lease, "it could not be renewed in time")

    async def release(self, key: LeaseKey) -> None:
        """Give the lease up (its shard finished, or this process stops)."""
        async with self._lock:
            lease = self._held.pop(key, None)
            if lease is None or lease.lost:
                return
            lease.lost = True
            try:
                await self._table.release(key, self.owner, lease.counter)
            except Exception as error:
                logger.warning(
                    "could not release a shard lease; it expires on its own",
                    extra={**_log(key), "error": f"{type(error).__name__}: {error}"},
                )
                return
        logger.info("released the lease of a shard", extra=_log(key))

    async def release_all(self, stream_arn: str | None = None) -> None:
        for key in [key for key in self._held if stream_arn in (None, key.stream_arn)]:
            await self.release(key)

    def waiting_or_holding(self) -> bool:
        """Whether this process holds a lease, or stands by for one: the lease table answered
        it within the lease time (an updater that cannot reach it is neither)."""
        if self.held_count():
            return True
        answered_at = self._answered_at
        return answered_at is not None and self._monotonic() - answered_at <= self._duration

    def held_count(self) -> int:
        """How many leases this process holds now."""
        return sum(1 for lease in self._held.values() if lease.held())

    def holds(self, key: LeaseKey) -> bool:
        lease = self._held.get(key)
        return lease is not None and lease.held()

    def _lose(self, lease: HeldLease, reason: str) -> None:
        self._held.pop(lease.key, None)
        if lease.lost:
            return
        lease.lost = True
        logger.warning(
            "lost the lease of a shard; its reader stops", extra={**_log(lease.key), "why": reason}
        )
        lease.on_lost()


def _log(key: LeaseKey) -> dict[str, object]:
    return {"stream_arn": key.stream_arn, "shard_id": key.shard_id}
