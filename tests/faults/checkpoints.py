"""A checkpoint is never ahead of the read model: every record up to it has been applied."""

import asyncio
from typing import Any

import asyncpg

from tests.support.service_process import ServiceProcess

Pool = "asyncpg.Pool[asyncpg.Record]"
_PKEY_PREFIX = "UserAccount-"
# Only stops a test that would hang: an updater at work checkpoints within a second.
CHECKPOINT_WITHIN_SECONDS = 60.0


async def wait_for_a_checkpoint(pool: Pool, table: str, updater: ServiceProcess) -> None:
    """Wait until the updater has checkpointed a record of `table` (it has applied some)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CHECKPOINT_WITHIN_SECONDS
    while not await pool.fetchval(
        "SELECT count(*) FROM stream_checkpoints"
        " WHERE table_name = $1 AND last_sequence_number IS NOT NULL",
        table,
    ):
        assert updater.running, f"the updater exited:\n{updater.tail()}"
        assert loop.time() < deadline, f"the updater checkpointed nothing:\n{updater.tail()}"
        await asyncio.sleep(0.1)


async def assert_checkpoints_applied(pool: Pool, streams: Any, table: str) -> int:
    """For each shard checkpoint of `table`, the rows hold every event up to it; returns the
    number of records checked (0 means no checkpoint was written)."""
    checkpoints = await pool.fetch(
        "SELECT stream_arn, shard_id, last_sequence_number FROM stream_checkpoints"
        " WHERE table_name = $1 AND last_sequence_number IS NOT NULL",
        table,
    )
    versions = {
        record["id"]: record["version"]
        for record in await pool.fetch("SELECT id, version FROM user_accounts")
    }
    checked = 0
    for checkpoint in checkpoints:
        last = int(checkpoint["last_sequence_number"])
        async for keys in _records_up_to(streams, checkpoint, last):
            account = keys["pkey"]["S"].removeprefix(_PKEY_PREFIX)
            seq_nr = int(keys["skey"]["N"])
            assert versions.get(account, 0) >= seq_nr, (
                f"checkpoint {last} of {checkpoint['shard_id']} is past {account}#{seq_nr}, "
                f"which the read model does not hold (version {versions.get(account)})"
            )
            checked += 1
    return checked


async def _records_up_to(streams: Any, checkpoint: asyncpg.Record, last: int) -> Any:
    iterator = (
        await streams.get_shard_iterator(
            StreamArn=checkpoint["stream_arn"],
            ShardId=checkpoint["shard_id"],
            ShardIteratorType="TRIM_HORIZON",
        )
    )["ShardIterator"]
    while iterator:
        response = await streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in response["Records"]:
            if int(record["dynamodb"]["SequenceNumber"]) > last:
                return
            yield record["dynamodb"]["Keys"]
        if not response["Records"]:
            return
        iterator = response.get("NextShardIterator")
