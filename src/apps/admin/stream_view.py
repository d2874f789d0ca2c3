"""The journal's stream as the local poller sees it: each shard with its checkpoint and its
lease, and how far behind its reader is."""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from apps.read_model_updater.container import ReadModelUpdaterContainer
from infrastructure.dynamodb.client import DynamoDbClient, DynamoDbStreamsClient
from infrastructure.stream_consumer import (
    CheckpointStore,
    LeaseState,
    LeaseTable,
    Shard,
    ShardCheckpoint,
    describe_shards,
    first_record_after,
    latest_stream_arn,
    lineage_order,
    record_time,
)


class InspectableLeaseTable(LeaseTable, Protocol):
    async def leases_of(self, stream_arn: str) -> list[LeaseState]: ...


@dataclass(frozen=True, slots=True)
class StreamParts:
    """What the stream commands read and write: the updater's own clients and stores."""

    dynamodb: DynamoDbClient
    streams: DynamoDbStreamsClient
    checkpoints: CheckpointStore
    leases: InspectableLeaseTable
    table_name: str
    lease_seconds: float

    @staticmethod
    def of(container: ReadModelUpdaterContainer) -> "StreamParts":
        return StreamParts(
            dynamodb=container.dynamodb_client(),
            streams=container.streams_client(),
            checkpoints=container.checkpoint_store(),
            leases=container.lease_table(),
            table_name=container.settings().journal_table_name,
            lease_seconds=container.poller_options().lease_seconds,
        )


@dataclass(frozen=True, slots=True)
class ShardView:
    shard: Shard
    checkpoint: ShardCheckpoint | None
    lease: LeaseState | None

    @property
    def position(self) -> str | None:
        return None if self.checkpoint is None else self.checkpoint.last_sequence_number

    @property
    def finished(self) -> bool:
        return self.checkpoint is not None and self.checkpoint.finished

    def holder(self, now_ms: int) -> str | None:
        """Who holds the shard's lease now; None when free or expired."""
        lease = self.lease
        if lease is None or lease.owner is None or lease.expires_at_ms < now_ms:
            return None
        return lease.owner


@dataclass(frozen=True, slots=True)
class StreamView:
    stream_arn: str
    shards: list[ShardView]
    # No checkpoint at all: the local poller never read this stream (on AWS, Lambda's event
    # source mapping keeps its positions itself).
    unread: bool

    def shard(self, shard_id: str) -> ShardView | None:
        return next((view for view in self.shards if view.shard.shard_id == shard_id), None)


async def stream_view(parts: StreamParts) -> StreamView | None:
    """The table's current stream, parents before children; None while it has none."""
    stream_arn = await latest_stream_arn(parts.dynamodb, parts.table_name)
    if stream_arn is None:
        return None
    shards = lineage_order(await describe_shards(parts.streams, stream_arn))
    checkpoints = await parts.checkpoints.load(stream_arn)
    leases = {lease.shard_id: lease for lease in await parts.leases.leases_of(stream_arn)}
    views = [
        ShardView(shard, checkpoints.get(shard.shard_id), leases.get(shard.shard_id))
        for shard in shards
    ]
    return StreamView(stream_arn, views, unread=not checkpoints)


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def lag_seconds(
    parts: StreamParts,
    stream_arn: str,
    view: ShardView,
    now: Callable[[], datetime] = _utc_now,
) -> float | None:
    """The age of the oldest record the shard's reader has not applied: 0 when it has applied
    all there is; None for a finished shard (or a record without a creation time)."""
    if view.finished:
        return None
    record: Mapping[str, Any] | None = await first_record_after(
        parts.streams, stream_arn, view.shard.shard_id, view.position
    )
    if record is None:
        return 0.0
    written = record_time(record)
    if written is None:
        return None
    return max((now() - written).total_seconds(), 0.0)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000
