"""The local PostgreSQL launcher: TCP on the given port, idempotent start and stop, data kept."""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from devstack.postgres_server import PostgresServer, PostgresServerConfig, PostgresServerError
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[3]
IMPORT_PATH = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])


@pytest.fixture
def base_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pcqrses-test-server-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_cli(base_dir: Path, port: int, action: str) -> subprocess.CompletedProcess[str]:
    """`python -m devstack.postgres_server ACTION`, as scripts/run-single.sh runs it."""
    command = [sys.executable, "-m", "devstack.postgres_server", action]
    command += ["--data-dir", str(base_dir), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": IMPORT_PATH}
    return subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=120, env=env
    )


async def _fetch(database_url: str, query: str) -> object:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


async def test_start_and_stop_are_idempotent_and_a_restart_keeps_the_data(base_dir: Path) -> None:
    port = free_port()
    server = PostgresServer(PostgresServerConfig(data_dir=base_dir / "data", port=port))
    try:
        started = run_cli(base_dir, port, "start")
        assert started.returncode == 0, started.stderr
        assert f"postgresql://postgres@127.0.0.1:{port}/pcqrses" in started.stdout
        assert run_cli(base_dir, port, "status").stdout.strip() == f"running on port {port}"
        server.start()  # already running: fine
        with pytest.raises(PostgresServerError, match=f"already runs on port {port}"):
            PostgresServer(PostgresServerConfig(base_dir / "data", port=free_port())).start()
        await _fetch(server.database_url, "CREATE TABLE kept AS SELECT 'here' AS value")
        locale = await _fetch(
            server.database_url,
            "SELECT datlocprovider::text || ' ' || datlocale FROM pg_database "
            "WHERE datname = current_database()",
        )
        assert locale == "b C.UTF-8"  # builtin provider: Unicode case mapping for ILIKE

        assert run_cli(base_dir, port, "stop").returncode == 0
        server.stop()  # not running: fine
        status = run_cli(base_dir, port, "status")
        assert (status.returncode, status.stdout.strip()) == (3, "stopped")

        server.start()
        assert await _fetch(server.database_url, "SELECT value FROM kept") == "here"
    finally:
        server.stop()


def test_stop_works_after_a_parent_directory_lost_its_traverse_bit(base_dir: Path) -> None:
    # pytest resets its temporary root to 0700 at each session; pg_ctl, run as the server user,
    # then could not see the server and `stop` left it running.
    server = PostgresServer(PostgresServerConfig(data_dir=base_dir / "data", port=free_port()))
    try:
        server.start()
        base_dir.chmod(0o700)
        assert server.running_port() is not None
        server.stop()
        assert server.running_port() is None
    finally:
        server.stop()
