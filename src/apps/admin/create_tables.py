"""`create-tables`: create the DynamoDB journal, snapshot and data key tables where missing
(idempotent)."""

import argparse
import logging

from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_tables import ensure_key_table, ensure_tables

logger = logging.getLogger(__name__)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "create-tables",
        help="create the journal, snapshot and data key tables if they do not exist",
        description="Create the DynamoDB journal (with its stream), snapshot and data key "
        "tables named by JOURNAL_TABLE_NAME, SNAPSHOT_TABLE_NAME and KEY_TABLE_NAME, then wait "
        "until they are active.",
    )
    parser.set_defaults(run=run)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    endpoint = settings.dynamodb_endpoint_url or "AWS"
    async with dynamodb_client(settings) as client:
        await ensure_tables(client, settings.journal_table_name, settings.snapshot_table_name)
        await ensure_key_table(client, settings.key_table_name)
    logger.info(
        "tables ready at %s: %s, %s, %s",
        endpoint,
        settings.journal_table_name,
        settings.snapshot_table_name,
        settings.key_table_name,
    )
    return 0
