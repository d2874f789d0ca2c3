"""The read-model migrations: applying them again is harmless, and they roll back cleanly."""

import argparse
import asyncio
import subprocess
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from apps.admin import migrate as migrate_command
from infrastructure.migrations import (
    DEFAULT_MIGRATIONS_DIR,
    MigrationError,
    dbmate_executable,
    dbmate_url,
    migrate,
)
from infrastructure.settings import Settings
from tests.support.ports import free_port
from tests.support.postgres import TABLES

pytestmark = pytest.mark.integration

MIGRATIONS = sorted(path.name for path in DEFAULT_MIGRATIONS_DIR.glob("*.sql"))


def _with_database(database_url: str, name: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


async def _tables(pool: "asyncpg.Pool[asyncpg.Record]") -> set[str]:
    records = await pool.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {record["tablename"] for record in records}


async def test_migrating_again_applies_nothing_and_keeps_the_data(
    postgres_url: str, clean_postgres: "asyncpg.Pool[asyncpg.Record]"
) -> None:
    await clean_postgres.execute(
        "INSERT INTO user_accounts VALUES ($1, 'Taro', 'Yamada', 't@example.com', now(), now(), 1)",
        "0" * 26,
    )

    output = migrate(postgres_url)

    assert "Applying" not in output
    assert set(TABLES) | {"schema_migrations"} <= await _tables(clean_postgres)
    assert await clean_postgres.fetchval("SELECT count(*) FROM user_accounts") == 1
    applied = await clean_postgres.fetch("SELECT version FROM schema_migrations ORDER BY version")
    assert [record["version"] for record in applied] == [name.split("_")[0] for name in MIGRATIONS]


async def test_the_admin_subcommand_migrates_a_new_database(
    postgres_url: str, postgres_pool: "asyncpg.Pool[asyncpg.Record]"
) -> None:
    database_url = _with_database(postgres_url, "admin_migrate_check")
    await postgres_pool.execute("DROP DATABASE IF EXISTS admin_migrate_check")
    parser = argparse.ArgumentParser()
    migrate_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["migrate"])

    # dbmate creates the database when it is missing; a second run finds nothing to do.
    assert await args.run(Settings(database_url=database_url), args) == 0
    assert await args.run(Settings(database_url=database_url), args) == 0

    connection = await asyncpg.connect(database_url)
    try:
        count = await connection.fetchval("SELECT count(*) FROM schema_migrations")
    finally:
        await connection.close()
    assert count == len(MIGRATIONS)


async def test_every_migration_rolls_back_and_applies_again(
    postgres_url: str, postgres_pool: "asyncpg.Pool[asyncpg.Record]"
) -> None:
    database_url = _with_database(postgres_url, "rollback_check")
    await postgres_pool.execute("DROP DATABASE IF EXISTS rollback_check")
    migrate(database_url)
    dbmate = [str(dbmate_executable()), "--url", dbmate_url(database_url), "--no-dump-schema"]
    dbmate += ["--migrations-dir", str(DEFAULT_MIGRATIONS_DIR)]

    for _ in MIGRATIONS:
        await asyncio.to_thread(
            subprocess.run, [*dbmate, "rollback"], check=True, capture_output=True
        )
    output = migrate(database_url)

    assert output.count("Applied:") == len(MIGRATIONS)


def test_an_unreachable_database_is_a_clear_error() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/pcqrses"

    with pytest.raises(MigrationError, match="dbmate up failed"):
        migrate(url, wait_seconds=1)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h:1/db", "postgresql://u@h:1/db?sslmode=prefer"),
        ("postgresql://u@h:1/db?sslmode=require", "postgresql://u@h:1/db?sslmode=require"),
        ("postgresql://u@h:1/db?a=b", "postgresql://u@h:1/db?a=b&sslmode=prefer"),
    ],
)
def test_dbmate_gets_libpq_default_ssl_mode(url: str, expected: str) -> None:
    assert dbmate_url(url) == expected
