"""Making stored checkpoints fit the stream about to be read (shards expire, streams change)."""

import logging
from collections.abc import Sequence

from infrastructure.stream_consumer.checkpoint_store import CheckpointStore
from infrastructure.stream_consumer.shards import Shard

logger = logging.getLogger(__name__)


async def reconcile_checkpoints(
    store: CheckpointStore, table_name: str, stream_arn: str, shards: Sequence[Shard]
) -> None:
    """Drop the checkpoints that cannot be resumed.

    A checkpoint of a shard the stream no longer lists is normal once that shard was read to
    its end (shards expire after 24 hours): it is dropped. One that was not finished means
    records may have been skipped, or that the stream was rebuilt under the same ARN: every
    checkpoint of the stream is dropped and all shards are read from TRIM_HORIZON, which the
    projection's version gate makes harmless. Checkpoints of the table's older streams (a
    re-created or replayed table has a new stream ARN) are dropped too.
    """
    checkpoints = await store.load(stream_arn)
    listed = {shard.shard_id for shard in shards}
    vanished = [cp for shard_id, cp in checkpoints.items() if shard_id not in listed]
    unfinished = [cp.shard.shard_id for cp in vanished if not cp.finished]
    if unfinished:
        logger.warning(
            "checkpoints name shards that no longer exist; reading the stream again "
            "from TRIM_HORIZON (applying is idempotent)",
            extra={"stream_arn": stream_arn, "missing_shards": unfinished},
        )
        await store.forget(stream_arn)
    elif vanished:
        expired = [cp.shard.shard_id for cp in vanished]
        logger.info(
            "forgetting the checkpoints of expired shards",
            extra={"stream_arn": stream_arn, "shards": expired},
        )
        await store.forget(stream_arn, expired)
    older = await store.forget_other_streams(table_name, stream_arn)
    if older:
        logger.warning(
            "the journal table has a new stream; reading it from TRIM_HORIZON "
            "(applying is idempotent)",
            extra={"stream_arn": stream_arn, "older_streams": older},
        )
