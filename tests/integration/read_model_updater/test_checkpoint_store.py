"""The CheckpointStore contract, and what only the database keeps, on PostgreSQL."""

import json
from datetime import timedelta

import asyncpg
import pytest

from infrastructure.stream_consumer import PostgresCheckpointStore
from tests.support.checkpoint_store_contract import SHARD, T0, CheckpointStoreContract, letter

pytestmark = pytest.mark.integration


class TestPostgresCheckpointStore(CheckpointStoreContract):
    @pytest.fixture
    def store(self, clean_postgres: "asyncpg.Pool[asyncpg.Record]") -> PostgresCheckpointStore:
        return PostgresCheckpointStore(clean_postgres)


async def test_a_record_parked_again_adds_its_attempts(
    clean_postgres: "asyncpg.Pool[asyncpg.Record]",
) -> None:
    store = PostgresCheckpointStore(clean_postgres)
    later = T0 + timedelta(seconds=3)
    await store.commit(SHARD, "1", [letter("1", "A", 5, T0)])
    # The poller was restarted before its checkpoint moved: the record failed 5 more times.
    await store.commit(SHARD, "1", [letter("1", "A", 5, later)])
    row = await clean_postgres.fetchrow("SELECT * FROM dead_letters")
    assert (row["attempts"], row["first_failed_at"], row["last_failed_at"]) == (10, T0, later)
    assert json.loads(row["record"]) == {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1"}}
    assert (row["stream_arn"], row["shard_id"], row["aggregate_id"]) == (
        SHARD.stream_arn,
        SHARD.shard_id,
        "A",
    )
