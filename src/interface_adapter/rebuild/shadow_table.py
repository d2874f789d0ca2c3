"""The shadow table's life: created empty LIKE the live read model, caught up with what the
updater wrote meanwhile, and swapped in by renames in one transaction (README, Operator
commands: why nothing is missed or applied twice)."""

import re
from dataclasses import dataclass

import asyncpg

from interface_adapter.rebuild.rebuild_progress import Sql, clear_progress, start_progress
from interface_adapter.rebuild.row_columns import COLUMN_LIST, COLUMNS
from interface_adapter.rebuild.shadow_rows import LIVE_TABLE, SHADOW_TABLE

_TAKE_NEWER = ", ".join(f"{name} = EXCLUDED.{name}" for name in COLUMNS if name != "id")
# Every live row the shadow lacks or holds at a lower version: one the updater wrote after the
# Scan had read that account. The higher version wins, which is the row with more of the
# account's events applied (both are folds of a prefix of its history by one apply_event).
_MERGE = f"""
INSERT INTO {SHADOW_TABLE} ({COLUMN_LIST})
SELECT {", ".join(f"l.{name}" for name in COLUMNS)}
FROM {LIVE_TABLE} AS l LEFT JOIN {SHADOW_TABLE} AS s ON s.id = l.id
WHERE s.id IS NULL OR s.version < l.version
ON CONFLICT (id) DO UPDATE SET {_TAKE_NEWER}
WHERE {SHADOW_TABLE}.version < EXCLUDED.version
"""

_INDEXES = """
SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
WHERE i.indrelid = $1::regclass
"""
# "CREATE [UNIQUE] INDEX <name> ON [ONLY] <table> <the rest>": the rest identifies an index
# across the two tables (LIKE ... INCLUDING ALL copies each index under a generated name).
_INDEX_DEFINITION = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (.*)$")


@dataclass(frozen=True, slots=True)
class SwapResult:
    # Live rows copied over the shadow's: written by the updater while the Scan ran.
    merged: int
    rows: int


async def create_shadow(connection: Sql, total_segments: int, journal_table: str) -> None:
    """A new rebuild: an empty shadow table and its segments' progress (one transaction: the
    caller's)."""
    await connection.execute(f"DROP TABLE IF EXISTS {SHADOW_TABLE}")
    await connection.execute(f"CREATE TABLE {SHADOW_TABLE} (LIKE {LIVE_TABLE} INCLUDING ALL)")
    await start_progress(connection, total_segments, journal_table)


async def shadow_exists(pool: Sql) -> bool:
    records = await pool.fetch("SELECT to_regclass($1) IS NOT NULL AS found", SHADOW_TABLE)
    return bool(records[0]["found"])


async def catch_up(pool: Sql) -> int:
    """Merge without the lock: most of what the updater wrote meanwhile, so that the locked
    merge of the swap has little left to copy."""
    return _count(await pool.execute(_MERGE))


async def swap_in(pool: "asyncpg.Pool[asyncpg.Record]", lock_timeout_seconds: float) -> SwapResult:
    """In one transaction: block the updater's writes (queries go on), merge what it wrote
    since the catch-up, then replace the live table by the shadow (queries wait for the
    renames, a moment); the progress rows go with it. A lock not granted within
    `lock_timeout_seconds` rolls everything back (asyncpg.LockNotAvailableError)."""
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout_seconds * 1000)}ms'")
        # SHARE ROW EXCLUSIVE: no INSERT or UPDATE until commit, every SELECT still answered.
        await connection.execute(f"LOCK TABLE {LIVE_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        await connection.execute(f"LOCK TABLE {SHADOW_TABLE} IN ACCESS EXCLUSIVE MODE")
        merged = _count(await connection.execute(_MERGE))
        renames = _index_renames(
            await connection.fetch(_INDEXES, LIVE_TABLE),
            await connection.fetch(_INDEXES, SHADOW_TABLE),
        )
        # From here queries wait (ACCESS EXCLUSIVE) until commit, then read the new table: a
        # statement that waited resolves the name again, and asyncpg's prepared statements are
        # re-planned (same columns, same types).
        await connection.execute(f"DROP TABLE {LIVE_TABLE}")
        await connection.execute(f"ALTER TABLE {SHADOW_TABLE} RENAME TO {LIVE_TABLE}")
        for shadow_name, live_name in renames:
            await connection.execute(f'ALTER INDEX "{shadow_name}" RENAME TO "{live_name}"')
        await clear_progress(connection)
        rows = await connection.fetchval(f"SELECT count(*) FROM {LIVE_TABLE}")
    return SwapResult(merged=merged, rows=int(rows))


def _index_renames(
    live: list[asyncpg.Record], shadow: list[asyncpg.Record]
) -> list[tuple[str, str]]:
    """(shadow index, live index of the same definition) pairs: the swapped-in table keeps the
    migrations' index names."""
    live_by_definition = {_definition(record["definition"]): record["name"] for record in live}
    renames = []
    for record in shadow:
        live_name = live_by_definition.get(_definition(record["definition"]))
        if live_name is not None and live_name != record["name"]:
            renames.append((record["name"], live_name))
    return renames


def _definition(text: str) -> str:
    match = _INDEX_DEFINITION.match(text)
    return text if match is None else f"{match.group(1) or ''}{match.group(2)}"


def _count(status: str) -> int:
    """The row count of a command status such as 'INSERT 0 12'."""
    return int(status.rsplit(" ", 1)[-1])
