"""Where a rebuild stands in each segment of its Scan (table read_model_rebuild): the Scan's
LastEvaluatedKey after the last page applied, so that `--resume` goes on from there."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg

_COLUMNS = "segment, total_segments, journal_table, last_evaluated_key, finished, events"


class Sql(Protocol):
    """A pool or one of its connections (in a transaction), as asyncpg's are."""

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...

    async def execute(self, query: str, *args: Any) -> str: ...

    async def executemany(self, command: str, args: Iterable[Sequence[Any]]) -> None: ...


@dataclass(frozen=True, slots=True)
class SegmentProgress:
    segment: int
    total_segments: int
    journal_table: str
    # None before the first page; the key to start the next page from otherwise.
    last_evaluated_key: dict[str, Any] | None
    finished: bool
    events: int


async def load_progress(connection: Sql) -> list[SegmentProgress]:
    """The segments of the rebuild under way, by number; empty when there is none."""
    records = await connection.fetch(f"SELECT {_COLUMNS} FROM read_model_rebuild ORDER BY segment")
    return [
        SegmentProgress(
            segment=record["segment"],
            total_segments=record["total_segments"],
            journal_table=record["journal_table"],
            last_evaluated_key=(
                None
                if record["last_evaluated_key"] is None
                else json.loads(record["last_evaluated_key"])
            ),
            finished=record["finished"],
            events=record["events"],
        )
        for record in records
    ]


async def start_progress(
    connection: Sql,
    total_segments: int,
    journal_table: str,
) -> None:
    """A new rebuild's segments, none of them read (inside the caller's transaction)."""
    await connection.execute("DELETE FROM read_model_rebuild")
    await connection.executemany(
        "INSERT INTO read_model_rebuild (segment, total_segments, journal_table) "
        "VALUES ($1, $2, $3)",
        [(segment, total_segments, journal_table) for segment in range(total_segments)],
    )


async def record_page(
    pool: Sql,
    segment: int,
    last_evaluated_key: dict[str, Any] | None,
    events: int,
) -> None:
    """A page of `events` applied; `last_evaluated_key` None: it was the segment's last."""
    await pool.execute(
        """
        UPDATE read_model_rebuild
        SET last_evaluated_key = $2::jsonb, finished = $3, events = events + $4,
            updated_at = now()
        WHERE segment = $1
        """,
        segment,
        None if last_evaluated_key is None else json.dumps(last_evaluated_key),
        last_evaluated_key is None,
        events,
    )


async def clear_progress(connection: Sql) -> None:
    await connection.execute("DELETE FROM read_model_rebuild")
