"""PostgresCheckpointStore: stream checkpoints and dead letters in PostgreSQL (asyncpg)."""

import json
from collections.abc import Collection, Sequence
from datetime import datetime

import asyncpg

from infrastructure.stream_consumer import postgres_dead_letters as letters
from infrastructure.stream_consumer.checkpoint_store import (
    DeadLetter,
    DeadLetterSummary,
    ShardCheckpoint,
    ShardRef,
    StoredDeadLetter,
)

_LOAD = """
SELECT shard_id, table_name, parent_shard_id, last_sequence_number, finished_at IS NOT NULL
FROM stream_checkpoints WHERE stream_arn = $1
"""

# A NULL position leaves the stored one: committing only dead letters must not move back.
_COMMIT = """
INSERT INTO stream_checkpoints (stream_arn, shard_id, table_name, parent_shard_id,
                                last_sequence_number)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (stream_arn, shard_id) DO UPDATE
SET last_sequence_number = COALESCE(EXCLUDED.last_sequence_number,
                                    stream_checkpoints.last_sequence_number),
    updated_at = now()
"""

_FINISH = """
INSERT INTO stream_checkpoints (stream_arn, shard_id, table_name, parent_shard_id, finished_at)
VALUES ($1, $2, $3, $4, now())
ON CONFLICT (stream_arn, shard_id) DO UPDATE SET finished_at = now(), updated_at = now()
"""

_PARK = """
INSERT INTO dead_letters (stream_arn, shard_id, sequence_number, aggregate_id, record, error,
                          attempts, first_failed_at, last_failed_at, correlation_id, traceparent)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)
ON CONFLICT (stream_arn, shard_id, sequence_number) DO UPDATE
SET error = EXCLUDED.error,
    attempts = dead_letters.attempts + EXCLUDED.attempts,
    first_failed_at = LEAST(dead_letters.first_failed_at, EXCLUDED.first_failed_at),
    last_failed_at = GREATEST(dead_letters.last_failed_at, EXCLUDED.last_failed_at)
"""

_FORGET_ALL = "DELETE FROM stream_checkpoints WHERE stream_arn = $1"
_FORGET_SHARDS = "DELETE FROM stream_checkpoints WHERE stream_arn = $1 AND shard_id = ANY($2)"
_FORGET_OTHER_STREAMS = """
WITH gone AS (
    DELETE FROM stream_checkpoints WHERE table_name = $1 AND stream_arn <> $2
    RETURNING stream_arn
)
SELECT DISTINCT stream_arn FROM gone ORDER BY stream_arn
"""
# A dead letter's entity id is stored in the `aggregate_id` column of the migrations.
_PARKED_ENTITIES = (
    "SELECT DISTINCT aggregate_id FROM dead_letters WHERE aggregate_id = ANY($1::text[])"
)


_COUNT_DEAD_LETTERS = "SELECT count(*) FROM dead_letters"


class PostgresCheckpointStore:
    """The `stream_checkpoints` and `dead_letters` tables of the migrations."""

    def __init__(self, pool: "asyncpg.Pool[asyncpg.Record]") -> None:
        self._pool = pool

    async def load(self, stream_arn: str) -> dict[str, ShardCheckpoint]:
        records = await self._pool.fetch(_LOAD, stream_arn)
        return {
            record[0]: ShardCheckpoint(
                ShardRef(stream_arn, record[0], record[1], record[2]), record[3], record[4]
            )
            for record in records
        }

    async def commit(
        self,
        shard: ShardRef,
        last_sequence_number: str | None,
        dead_letters: Sequence[DeadLetter] = (),
    ) -> None:
        position = (
            shard.stream_arn,
            shard.shard_id,
            shard.table_name,
            shard.parent_shard_id,
            last_sequence_number,
        )
        if not dead_letters:
            # One statement is atomic on its own: no BEGIN and COMMIT round trips (every batch).
            await self._pool.execute(_COMMIT, *position)
            return
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.executemany(
                _PARK, [_park_arguments(shard, letter) for letter in dead_letters]
            )
            await connection.execute(_COMMIT, *position)

    async def finish(self, shard: ShardRef) -> None:
        await self._pool.execute(
            _FINISH, shard.stream_arn, shard.shard_id, shard.table_name, shard.parent_shard_id
        )

    async def forget(self, stream_arn: str, shard_ids: Collection[str] | None = None) -> None:
        if shard_ids is None:
            await self._pool.execute(_FORGET_ALL, stream_arn)
        elif shard_ids:
            await self._pool.execute(_FORGET_SHARDS, stream_arn, list(shard_ids))

    async def forget_other_streams(self, table_name: str, stream_arn: str) -> list[str]:
        records = await self._pool.fetch(_FORGET_OTHER_STREAMS, table_name, stream_arn)
        return [record[0] for record in records]

    async def parked_entities(self, entity_ids: Collection[str]) -> set[str]:
        if not entity_ids:
            return set()
        records = await self._pool.fetch(_PARKED_ENTITIES, list(entity_ids))
        return {record[0] for record in records}

    async def summarize_dead_letters(self) -> DeadLetterSummary:
        row = await self._pool.fetchrow(letters.SUMMARY)
        assert row is not None  # an aggregate without GROUP BY always answers one row
        return DeadLetterSummary(row[0], row[1], row[2])

    async def list_dead_letters(
        self, after_id: int = 0, limit: int = 100
    ) -> list[StoredDeadLetter]:
        rows = await self._pool.fetch(letters.LIST, after_id, limit)
        return [letters.stored_letter(row) for row in rows]

    async def get_dead_letter(self, letter_id: int) -> StoredDeadLetter | None:
        row = await self._pool.fetchrow(letters.GET, letter_id)
        return None if row is None else letters.stored_letter(row)

    async def count_failed_retry(self, letter_id: int, error: str, at: datetime) -> bool:
        status = await self._pool.execute(letters.FAILED_AGAIN, letter_id, error, at)
        return letters.row_count(status) == 1

    async def delete_dead_letters(self, letter_ids: Collection[int]) -> int:
        if not letter_ids:
            return 0
        status = await self._pool.execute(letters.DELETE, sorted(set(letter_ids)))
        return letters.row_count(status)

    async def delete_dead_letters_through(self, last_id: int) -> int:
        return letters.row_count(await self._pool.execute(letters.DELETE_THROUGH, last_id))

    async def set_checkpoint(self, shard: ShardRef, last_sequence_number: str | None) -> None:
        await self._pool.execute(
            letters.SET_CHECKPOINT,
            shard.stream_arn,
            shard.shard_id,
            shard.table_name,
            shard.parent_shard_id,
            last_sequence_number,
        )

    async def count_dead_letters(self) -> int:
        count: int = await self._pool.fetchval(_COUNT_DEAD_LETTERS)
        return count


def _park_arguments(shard: ShardRef, letter: DeadLetter) -> tuple[object, ...]:
    return (
        shard.stream_arn,
        shard.shard_id,
        letter.sequence_number,
        letter.entity_id,
        json.dumps(letter.record, ensure_ascii=False, default=str),
        letter.error,
        letter.attempts,
        letter.first_failed_at,
        letter.last_failed_at,
        letter.correlation_id,
        letter.traceparent,
    )
