"""At the end: the read model equals a replay of the journal, and every acknowledged command's
version is in it (each account's row at that version or later)."""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from benchmarks.soak.workload import Acknowledged
from domain.user_account import UserAccountId
from infrastructure.crypto import LocalFileKeyWrapper
from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from interface_adapter.personal_data.batched_key_lookup import BatchedKeyLookup
from interface_adapter.rebuild.row_columns import COLUMN_LIST, row_of
from tests.support.sealed_journal import replayed_journal
from use_case.ports import UserAccountRow

JOURNAL = "journal"
KEY_TABLE = "user_account_keys"


@dataclass(slots=True)
class Visibility:
    acknowledged: int
    equal_to_replay: bool
    seconds: float
    rows: int
    invisible: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "acknowledged": self.acknowledged,
            "invisible": len(self.invisible),
            "first_invisible": self.invisible[:10],
            "read_model_equals_replay": self.equal_to_replay,
            "rows": self.rows,
            "seconds_to_converge": round(self.seconds, 2),
        }


def invisible_commands(
    acknowledged: Sequence[Acknowledged], rows: dict[UserAccountId, UserAccountRow]
) -> list[str]:
    """The acknowledged commands whose account's row is missing or older than their version."""
    missing = []
    for command in acknowledged:
        row = rows.get(UserAccountId(command.account_id))
        if row is None or row.version < command.version:
            missing.append(f"{command.kind} {command.account_id} v{command.version}")
    return missing


async def check_visibility(
    dynamodb_url: str,
    database_url: str,
    kek_file: str,
    acknowledged: Sequence[Acknowledged],
    within: float,
) -> Visibility:
    """Waits (up to `within` seconds) until the rows in PostgreSQL equal the replay of the
    journal, then looks up every acknowledged command in them."""
    started = time.monotonic()
    settings = Settings(dynamodb_endpoint_url=dynamodb_url)
    wrapper = LocalFileKeyWrapper(kek_file)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        async with dynamodb_client(settings) as dynamodb:
            while True:
                expected = await _replay(dynamodb, wrapper)
                records = await pool.fetch(f"SELECT {COLUMN_LIST} FROM user_accounts")
                rows = {row.id: row for row in map(row_of, records)}
                equal = rows == expected
                if equal or time.monotonic() - started > within:
                    break
                await asyncio.sleep(1)
    finally:
        await pool.close()
    # An acknowledged command counts as visible only when it is in both.
    invisible = sorted(
        set(invisible_commands(acknowledged, rows))
        | set(invisible_commands(acknowledged, expected))
    )
    return Visibility(len(acknowledged), equal, time.monotonic() - started, len(rows), invisible)


async def _replay(
    dynamodb: Any, wrapper: LocalFileKeyWrapper
) -> dict[UserAccountId, UserAccountRow]:
    ids: set[str] = set()
    request: dict[str, Any] = {"TableName": JOURNAL, "ProjectionExpression": "aggregate_id"}
    while True:
        answer = await dynamodb.scan(**request)
        ids.update(item["aggregate_id"]["S"] for item in answer.get("Items", []))
        if "LastEvaluatedKey" not in answer:
            break
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    keys = await BatchedKeyLookup(dynamodb, KEY_TABLE, wrapper)(sorted(ids))
    return await replayed_journal(dynamodb, JOURNAL, keys)
