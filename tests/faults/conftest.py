"""Fault tests' fixtures: a PostgreSQL they may stop, the stack of one test, a seeded RNG; and the
figures (faults injected, commands verified) printed at the end of the run."""

import os
import random
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import aiohttp
import pytest

from devstack.postgres_server import PostgresServer, PostgresServerConfig
from infrastructure.dynamodb import dynamodb_client
from infrastructure.migrations import migrate
from infrastructure.postgres_pool import create_pool
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_tables import ensure_key_table, ensure_tables
from tests.faults.stack import FaultStack
from tests.support import fault_figures
from tests.support.background import Background
from tests.support.dynamodb_process import DynamoDbProcess
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.postgres import TABLES

Pool = "asyncpg.Pool[asyncpg.Record]"


@pytest.fixture(scope="session")
async def faults_moto() -> AsyncIterator[DynamoDbProcess]:
    """moto with atomic writes and a fast Query (tests.support.tuned_moto_server)."""
    server = DynamoDbProcess.tuned_moto()
    try:
        await server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
async def faults_dynamodb(faults_moto: DynamoDbProcess) -> AsyncIterator[Any]:
    async with dynamodb_client(Settings(dynamodb_endpoint_url=faults_moto.endpoint_url)) as client:
        yield client


@pytest.fixture
async def faults_tables(faults_dynamodb: Any) -> AsyncIterator[DynamoDbTables]:
    """A journal, a snapshot and a data key table of the test's own, deleted after it."""
    suffix = uuid4().hex[:12]
    tables = DynamoDbTables(
        journal=f"journal-{suffix}", snapshot=f"snapshot-{suffix}", keys=f"keys-{suffix}"
    )
    await ensure_tables(faults_dynamodb, tables.journal, tables.snapshot)
    await ensure_key_table(faults_dynamodb, tables.keys)
    yield tables
    for name in (tables.journal, tables.snapshot, tables.keys):
        await faults_dynamodb.delete_table(TableName=name)


@pytest.fixture(scope="session")
def faults_postgres() -> Iterator[PostgresServer]:
    """A migrated PostgreSQL for the fault tests alone: they stop and start it."""
    base_dir = Path(tempfile.mkdtemp(prefix="pcqrses-faults-postgres-"))
    server = PostgresServer(
        PostgresServerConfig(data_dir=base_dir / "data", port=free_port(), fast_unsafe=True)
    )
    try:
        server.start()
        migrate(server.database_url)
        yield server
    finally:
        server.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture
async def read_model_pool(faults_postgres: PostgresServer) -> AsyncIterator[Pool]:
    """A pool on the fault tests' PostgreSQL (running, every table emptied); it connects on
    demand, so it outlives an outage."""
    faults_postgres.start()  # a no-op unless a failed test left it stopped
    pool = await create_pool(faults_postgres.database_url, min_size=0, max_size=4)
    await pool.execute(f"TRUNCATE {', '.join(TABLES)}")
    yield pool
    await pool.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # Enough connections for the concurrency tests; no limit per host below that.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=300)) as session:
        yield session


@pytest.fixture
async def fault_stack(
    faults_moto: DynamoDbProcess,
    faults_tables: DynamoDbTables,
    faults_postgres: PostgresServer,
    read_model_pool: Pool,
    http: aiohttp.ClientSession,
) -> AsyncIterator[FaultStack]:
    """No service runs yet: the test starts those it needs (on the session's moto server, the
    test's own tables, and the fault tests' PostgreSQL)."""
    stack = FaultStack(faults_moto.endpoint_url, faults_postgres.database_url, faults_tables, http)
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
async def background() -> AsyncIterator[Background]:
    tasks = Background()
    yield tasks
    await tasks.cancel()


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """The test's random choices: from the run's seed (FAULTS_SEED, or drawn once and printed at
    the end of the run) and the test's name, so that one seed repeats every test's choices."""
    seed = fault_figures.seed(os.environ.get("FAULTS_SEED"))
    print(f"fault seed: {seed} (FAULTS_SEED={seed} repeats this run)")
    return random.Random(f"{seed}:{request.node.nodeid}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures, in the run's closing summary (when a fault test ran)."""
    figures = fault_figures.FIGURES
    if figures.faults_injected or figures.commands_verified:
        terminalreporter.write_line(fault_figures.summary())
