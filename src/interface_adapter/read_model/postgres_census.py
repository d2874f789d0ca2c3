"""The read model's rows counted, deleted and erased accounts apart, for an operator."""

from dataclasses import dataclass

import asyncpg

_COUNT = "SELECT count(*), count(deleted_at), count(erased_at) FROM user_accounts"


@dataclass(frozen=True, slots=True)
class ReadModelCensus:
    # Every row, tombstones and erased rows included: one per account the updater has applied.
    rows: int
    # Tombstones: deleted and not erased (an erased row keeps no deletion time).
    deleted: int
    erased: int = 0


async def count_read_model(pool: "asyncpg.Pool[asyncpg.Record]") -> ReadModelCensus:
    row = await pool.fetchrow(_COUNT)
    assert row is not None  # an aggregate without GROUP BY always answers one row
    return ReadModelCensus(rows=row[0], deleted=row[1], erased=row[2])
