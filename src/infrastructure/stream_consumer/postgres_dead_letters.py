"""The operator's statements on the `dead_letters` table (list, show, retry, purge) and on one
shard's checkpoint (reset), for PostgresCheckpointStore."""

import json
from typing import Any

import asyncpg

from infrastructure.stream_consumer.checkpoint_store import DeadLetter, StoredDeadLetter

_COLUMNS = """id, stream_arn, shard_id, sequence_number, aggregate_id, record, error, attempts,
first_failed_at, last_failed_at, correlation_id, traceparent"""

SUMMARY = "SELECT count(*), max(id), min(first_failed_at) FROM dead_letters"
LIST = f"SELECT {_COLUMNS} FROM dead_letters WHERE id > $1 ORDER BY id LIMIT $2"
GET = f"SELECT {_COLUMNS} FROM dead_letters WHERE id = $1"
FAILED_AGAIN = """
UPDATE dead_letters
SET error = $2, attempts = attempts + 1, last_failed_at = GREATEST(last_failed_at, $3)
WHERE id = $1
"""
DELETE = "DELETE FROM dead_letters WHERE id = ANY($1::bigint[])"
DELETE_THROUGH = "DELETE FROM dead_letters WHERE id <= $1"
# Unlike a commit, NULL is stored as it is: back to TRIM_HORIZON.
SET_CHECKPOINT = """
INSERT INTO stream_checkpoints (stream_arn, shard_id, table_name, parent_shard_id,
                                last_sequence_number)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (stream_arn, shard_id) DO UPDATE
SET last_sequence_number = EXCLUDED.last_sequence_number, finished_at = NULL, updated_at = now()
"""


def stored_letter(row: "asyncpg.Record") -> StoredDeadLetter:
    record: Any = row["record"]
    return StoredDeadLetter(
        letter_id=row["id"],
        stream_arn=row["stream_arn"],
        shard_id=row["shard_id"],
        letter=DeadLetter(
            sequence_number=row["sequence_number"],
            entity_id=row["aggregate_id"],
            # asyncpg hands jsonb over as its text unless a codec is set on the connection.
            record=json.loads(record) if isinstance(record, str) else record,
            error=row["error"],
            attempts=row["attempts"],
            first_failed_at=row["first_failed_at"],
            last_failed_at=row["last_failed_at"],
            correlation_id=row["correlation_id"],
            traceparent=row["traceparent"],
        ),
    )


def row_count(status: str) -> int:
    """The row count of a command status ("DELETE 3", "UPDATE 1")."""
    return int(status.rsplit(" ", 1)[-1])
