"""The read model's rows counted, deleted accounts (tombstones) apart, for an operator."""

from dataclasses import dataclass

import asyncpg

_COUNT = "SELECT count(*), count(deleted_at) FROM user_accounts"


@dataclass(frozen=True, slots=True)
class ReadModelCensus:
    # Every row, tombstones included: one per account the updater has applied.
    rows: int
    deleted: int


async def count_read_model(pool: "asyncpg.Pool[asyncpg.Record]") -> ReadModelCensus:
    row = await pool.fetchrow(_COUNT)
    assert row is not None  # an aggregate without GROUP BY always answers one row
    return ReadModelCensus(rows=row[0], deleted=row[1])
