"""The read model rebuilt from a journal on moto into PostgreSQL: equal to a replay of the
journal, resumed after an interruption, keeping the updater's writes made meanwhile, and queries
answered through the swap; each interleaving made by construction, never by timing."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeAlias

import asyncpg
import pytest

from domain.user_account import (
    UserAccountDeleted,
    UserAccountErased,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.crypto import LocalFileKeyWrapper
from infrastructure.settings import Settings
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup
from interface_adapter.personal_data.dynamodb_data_keys import DynamoDbDataKeys
from interface_adapter.read_model.postgres_read_model import PostgresUserAccountReadModel
from interface_adapter.rebuild.read_model_rebuild import (
    ReadModelRebuild,
    RebuildMisuseError,
    RebuildRefusedError,
)
from interface_adapter.rebuild.row_columns import COLUMN_LIST, row_of
from interface_adapter.rebuild.shadow_rows import SHADOW_TABLE
from interface_adapter.rebuild.shadow_table import swap_in
from tests.support.moto_server import DynamoDbTables
from tests.support.sealed_journal import histories, replayed_journal, write_sealed
from use_case.ports import RowChange, UserAccountRow
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

pytestmark = pytest.mark.integration

Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
SRC = Path(__file__).resolve().parents[3] / "src"
ACCOUNTS = 2_000
_IDS = UlidGenerator()


@dataclass
class Journal:
    dynamodb: Any
    tables: DynamoDbTables
    wrapper: LocalFileKeyWrapper
    keys: dict[str, bytes]
    repository: DynamoDbUserAccountRepository

    async def write(self, events: Sequence[Any]) -> None:
        await write_sealed(
            self.dynamodb, self.tables.journal, self.tables.keys, self.wrapper, events, self.keys
        )

    async def erase_key(self, account_id: str) -> None:
        """The account's key destroyed: its V2 events decode to ErasedPersonalData."""
        await self.dynamodb.delete_item(TableName=self.tables.keys, Key={"pkey": {"S": account_id}})
        self.keys.pop(account_id)

    async def replay(self) -> dict[UserAccountId, UserAccountRow]:
        return await replayed_journal(self.dynamodb, self.tables.journal, self.keys)

    def rebuild(self, pool: Any, scans: Any = None) -> ReadModelRebuild:
        return ReadModelRebuild(
            pool,
            scans or self.dynamodb,
            self.tables.journal,
            BatchedKeyLookup(self.dynamodb, self.tables.keys, self.wrapper),
            self.repository,
        )


class PagedScans:
    """The DynamoDB client with Scan pages of at most `limit` items, failing (once) on the
    `fail_at`-th Scan call: an interruption after a known number of pages."""

    def __init__(self, client: Any, limit: int, fail_at: int | None = None) -> None:
        self._client = client
        self._limit = limit
        self._fail_at = fail_at
        self.calls = 0

    async def scan(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        if self.calls == self._fail_at:
            raise ConnectionError("the journal went away (injected)")
        answer: dict[str, Any] = await self._client.scan(**request, Limit=self._limit)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture
async def journal(
    dynamodb: Any, dynamodb_tables: DynamoDbTables, moto_settings: Settings
) -> Journal:
    assert moto_settings.local_kek_file is not None
    wrapper = LocalFileKeyWrapper(moto_settings.local_kek_file)
    repository = DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=100,
        data_keys=DynamoDbDataKeys(dynamodb, dynamodb_tables.keys, wrapper),
    )
    return Journal(dynamodb, dynamodb_tables, wrapper, {}, repository)


@pytest.fixture
async def pool(clean_postgres: Pool) -> AsyncIterator[Pool]:
    await clean_postgres.execute(f"DROP TABLE IF EXISTS {SHADOW_TABLE}")
    yield clean_postgres
    await clean_postgres.execute(f"DROP TABLE IF EXISTS {SHADOW_TABLE}")


async def live_rows(pool: Any) -> dict[UserAccountId, UserAccountRow]:
    records = await pool.fetch(f"SELECT {COLUMN_LIST} FROM user_accounts")
    return {row.id: row for row in map(row_of, records)}


async def write_thousands(journal: Journal) -> None:
    await journal.write([event for history in histories(ACCOUNTS) for event in history])
    for account_id in sorted(journal.keys)[:40]:
        await journal.erase_key(account_id)


def renamed(row: UserAccountRow, last: str) -> UserAccountRenamed:
    old = UserAccountName(row.first_name, row.last_name)
    return UserAccountRenamed(
        _IDS.new_id(),
        row.id,
        row.version + 1,
        row.updated_at + timedelta(seconds=1),
        old,
        UserAccountName(row.first_name, last),
    )


async def test_the_rebuilt_read_model_equals_a_replay_of_the_journal(
    journal: Journal, pool: Pool
) -> None:
    await write_thousands(journal)
    expected = await journal.replay()
    assert any(row.erased_at is not None for row in expected.values())  # some erased
    # A live read model gone wrong: stale rows, a row with the wrong name at the right version.
    whole = [row for row in expected.values() if row.email_address is not None]
    stale = sorted(whole, key=lambda row: row.id.value)[:300]
    for row in stale[:299]:
        await _insert(pool, replace(row, version=1, last_name="Stale"))
    await _insert(pool, replace(stale[299], first_name="Wrong"))

    result = await journal.rebuild(pool).run(4, resume=False)

    assert await live_rows(pool) == expected
    assert (result.rows, result.merged, result.resumed) == (len(expected), 0, False)
    assert result.events == sum(row.version for row in expected.values())
    assert sum(not row.email_address for row in expected.values()) >= 40  # keys gone
    # An erased account stays erased: its row keeps id, version and erasure time alone.
    assert all(
        (row.first_name, row.email_address, row.owner) == (None, None, None)
        for row in (await live_rows(pool)).values()
        if row.erased_at is not None
    )
    assert await pool.fetchval("SELECT count(*) FROM read_model_rebuild") == 0
    assert await pool.fetchval("SELECT to_regclass($1)", SHADOW_TABLE) is None
    indexes = {
        r["indexname"]
        for r in await pool.fetch(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'user_accounts'"
        )
    }
    assert indexes == {"user_accounts_pkey", "user_accounts_full_name_trgm_idx"}


async def test_an_interrupted_rebuild_is_refused_then_resumed_to_the_same_result(
    journal: Journal, pool: Pool, moto_endpoint: str, postgres_url: str, moto_settings: Settings
) -> None:
    await write_thousands(journal)
    expected = await journal.replay()
    faulty = PagedScans(journal.dynamodb, limit=200, fail_at=12)
    with pytest.raises(ConnectionError):
        await journal.rebuild(pool, faulty).run(4, resume=False)
    progress = await pool.fetch("SELECT * FROM read_model_rebuild ORDER BY segment")
    assert len(progress) == 4
    applied_before = sum(record["events"] for record in progress)
    assert 0 < applied_before < result_events(expected)
    assert await live_rows(pool) == {}  # nothing swapped in

    with pytest.raises(RebuildRefusedError, match="--resume continues it"):
        await journal.rebuild(pool).plan(None, resume=False)
    with pytest.raises(RebuildMisuseError):
        await journal.rebuild(pool).plan(3, resume=True)

    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "DATABASE_URL": postgres_url,
        "JOURNAL_TABLE_NAME": journal.tables.journal,
        "SNAPSHOT_TABLE_NAME": journal.tables.snapshot,
        "KEY_TABLE_NAME": journal.tables.keys,
        "LOCAL_KEK_FILE": str(moto_settings.local_kek_file),
        "LOG_FORMAT": "console",
    }
    refused = await _admin(env, "rebuild-read-model")
    assert refused.returncode == 1
    assert "an interrupted rebuild is left" in refused.stderr
    misused = await _admin(env, "rebuild-read-model", "--resume", "--segments", "3")
    assert misused.returncode == 2, misused.stderr
    resumed = await _admin(env, "rebuild-read-model", "--resume", "--json")
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert (report["resumed"], report["segments"]) == (True, 4)
    # Each segment goes on from its last page applied: at most that page is read again.
    assert result_events(expected) <= applied_before + report["events"]
    assert applied_before + report["events"] <= result_events(expected) + 4 * 200
    assert await live_rows(pool) == expected


async def test_the_updaters_writes_during_the_rebuild_are_kept_and_none_applied_twice(
    journal: Journal, pool: Pool
) -> None:
    await write_thousands(journal)
    before_scan = await journal.replay()
    live = [row for row in before_scan.values() if row.deleted_at is None and row.email_address]
    ahead, behind, paused_after, paused_before = (live[i] for i in range(4))
    updater = ProjectUserAccountEvents(PostgresUserAccountReadModel(pool), journal.repository)
    # The updater has applied the whole journal so far but `behind`'s rename, which the Scan
    # will see.
    behind_rename = renamed(behind, "Behind")
    paused_before_rename = renamed(paused_before, "PausedBefore")
    await journal.write([behind_rename, paused_before_rename])
    await _apply_rows(pool, before_scan.values())

    rebuild = journal.rebuild(pool)
    await rebuild.build(await rebuild.plan(4, resume=False))

    # After the Scan: a rename of `ahead` applied by the updater; a new account it applied.
    ahead_rename = renamed(ahead, "Ahead")
    [newcomer] = histories(1, seed=99)
    await journal.write([ahead_rename, *newcomer])
    assert (await updater([ahead_rename, *newcomer])).applied == 1 + len(newcomer)
    # Two updater batches loaded their rows from the live table and are held before they save:
    # one of an event the Scan saw, one of an event after it.
    paused_rename = renamed(paused_after, "PausedAfter")
    await journal.write([paused_rename])
    gate = asyncio.Event()
    held = HeldSaves(PostgresUserAccountReadModel(pool), gate)
    held_updater = ProjectUserAccountEvents(held, journal.repository)
    batches = asyncio.gather(held_updater([paused_rename]), held_updater([paused_before_rename]))
    await held.loaded(2)

    # The swap's own merge, under its lock (rebuild.swap() merges once before it, unlocked).
    swapped = await swap_in(pool, lock_timeout_seconds=10)
    gate.set()
    after_swap, before_swap = await batches

    assert swapped.merged == 2  # ahead's rename and the newcomer
    assert (after_swap.applied, after_swap.duplicates) == (1, 0)
    # Saved with the old table's version, refused by the new one, reloaded: a duplicate.
    assert (before_swap.applied, before_swap.duplicates) == (0, 1)
    # The updater catches up on `behind`'s rename: already in the rebuilt table.
    assert (await updater([behind_rename])).duplicates == 1
    rows = await live_rows(pool)
    assert rows == await journal.replay()
    assert [rows[row.id].last_name for row in (ahead, behind, paused_after, paused_before)] == [
        "Ahead",
        "Behind",
        "PausedAfter",
        "PausedBefore",
    ]


async def test_queries_wait_for_the_swap_and_answer_from_the_new_table(
    journal: Journal, pool: Pool, postgres_url: str
) -> None:
    history = next(
        h
        for h in histories(20, seed=7)
        if not isinstance(h[-1], UserAccountDeleted | UserAccountErased)
    )
    await journal.write(history)
    [row] = (await journal.replay()).values()
    await _insert(pool, replace(row, first_name="Before"))
    rebuild = journal.rebuild(pool)
    await rebuild.build(await rebuild.plan(2, resume=False))

    queries_pool = await asyncpg.create_pool(postgres_url, min_size=1, max_size=1)
    reader = await asyncpg.connect(postgres_url)
    try:
        queries = PostgresUserAccountReadModel(queries_pool)
        # Its statement prepared on the old table, as the Query API's are.
        first = await queries.get(row.id)
        assert first is not None
        assert first.first_name == "Before"
        # A query under way holds the live table: the swap waits for it at the renames.
        transaction = reader.transaction()
        await transaction.start()
        await reader.fetchval("SELECT count(*) FROM user_accounts")
        swap = asyncio.create_task(rebuild.swap())
        await _waiting_locks(pool, 1)
        waiting_query = asyncio.create_task(queries.get(row.id))
        await _waiting_locks(pool, 2)
        await transaction.commit()
        await swap
        answered = await waiting_query
    finally:
        await reader.close()
        await queries_pool.close()
    assert answered == row  # from the rebuilt table, not an error


class HeldSaves:
    """A row store whose saves wait for `gate` (the first one per batch, counted by loads)."""

    def __init__(self, inner: PostgresUserAccountReadModel, gate: asyncio.Event) -> None:
        self._inner = inner
        self._gate = gate
        self._loads = 0
        self._loaded = asyncio.Condition()

    async def load_rows(
        self, ids: Collection[UserAccountId]
    ) -> Mapping[UserAccountId, UserAccountRow]:
        rows = await self._inner.load_rows(ids)
        async with self._loaded:
            self._loads += 1
            self._loaded.notify_all()
        return rows

    async def loaded(self, count: int) -> None:
        async with self._loaded:
            await self._loaded.wait_for(lambda: self._loads >= count)

    async def save_rows(self, changes: Sequence[RowChange]) -> None:
        await self._gate.wait()
        await self._inner.save_rows(changes)


def result_events(rows: Mapping[UserAccountId, UserAccountRow]) -> int:
    return sum(row.version for row in rows.values())


async def _insert(pool: Any, row: UserAccountRow) -> None:
    await PostgresUserAccountReadModel(pool).save_rows([RowChange(row, 0)])


async def _apply_rows(pool: Any, rows: Collection[UserAccountRow]) -> None:
    await PostgresUserAccountReadModel(pool).save_rows([RowChange(row, 0) for row in rows])


async def _waiting_locks(pool: Any, count: int) -> None:
    """Until `count` backends wait for a lock on the live table (polled: a state, not a time)."""
    for _ in range(2_000):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted "
            "AND relation = 'user_accounts'::regclass"
        )
        if waiting >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} backends wait for the live table")


async def _admin(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "apps.admin", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
