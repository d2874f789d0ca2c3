"""A checkpoint is never ahead of the read model: every record up to it has been applied."""

from typing import Any

import asyncpg

Pool = "asyncpg.Pool[asyncpg.Record]"
_PKEY_PREFIX = "UserAccount-"


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
