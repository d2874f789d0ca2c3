"""`migrate`: apply the PostgreSQL read-model migrations with dbmate (idempotent)."""

import argparse
import asyncio
import logging
from pathlib import Path

from infrastructure.migrations import DEFAULT_MIGRATIONS_DIR, MigrationError, migrate
from infrastructure.settings import Settings

logger = logging.getLogger(__name__)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="apply the pending read-model migrations to DATABASE_URL",
        description="Apply every migration of the migrations directory that DATABASE_URL "
        "has not seen yet (dbmate up); running it again changes nothing.",
    )
    parser.add_argument(
        "--migrations-dir",
        type=Path,
        default=DEFAULT_MIGRATIONS_DIR,
        help="directory of the SQL migrations (default: %(default)s)",
    )
    parser.set_defaults(run=run)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        output = await asyncio.to_thread(migrate, settings.database_url, args.migrations_dir)
    except MigrationError as error:
        logger.error("migrations failed: %s", error)
        return 1
    applied = [line for line in output.splitlines() if line.startswith("Applied:")]
    logger.info("migrations up to date (%d applied now)", len(applied))
    return 0
