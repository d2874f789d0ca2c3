"""Creating a DynamoDB table when missing (idempotent) and waiting until it serves."""

import asyncio
import logging
import time
from typing import Any

from botocore.exceptions import ClientError

from infrastructure.dynamodb.client import DynamoDbClient, error_code

logger = logging.getLogger(__name__)

TABLE_ACTIVE_TIMEOUT_SECONDS = 300.0
_POLL_SECONDS = 0.5


async def ensure_table(client: DynamoDbClient, definition: dict[str, Any]) -> bool:
    """Create the table of `definition` unless it exists; True when this call created it."""
    name = definition["TableName"]
    created = False
    if await _table_status(client, name) is None:
        try:
            await client.create_table(**definition)
            created = True
        except ClientError as error:
            # Another process may have created it since we looked: that is what we wanted.
            if error_code(error) != "ResourceInUseException":
                raise
    await _wait_until_active(client, name)
    logger.info("table %s %s", name, "created" if created else "already exists")
    return created


async def _table_status(client: DynamoDbClient, name: str) -> str | None:
    try:
        description = await client.describe_table(TableName=name)
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            return None
        raise
    status: str = description["Table"]["TableStatus"]
    return status


async def _wait_until_active(client: DynamoDbClient, name: str) -> None:
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_SECONDS
    while (status := await _table_status(client, name)) != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"table {name} is still {status} after {TABLE_ACTIVE_TIMEOUT_SECONDS} s"
            )
        await asyncio.sleep(_POLL_SECONDS)
