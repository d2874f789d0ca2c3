"""`python -m apps.read_model_updater.lease_holders`: who reads which shard of the journal's
stream."""

import asyncio
import sys
import time

from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings, SettingsError
from infrastructure.stream_consumer import DynamoDbLeaseTable, LeaseState, latest_stream_arn


async def _leases(settings: Settings) -> list[LeaseState]:
    async with dynamodb_client(settings) as client:
        stream_arn = await latest_stream_arn(client, settings.journal_table_name)
        if stream_arn is None:
            return []
        return await DynamoDbLeaseTable(client, settings.lease_table_name).leases_of(stream_arn)


def _line(lease: LeaseState, now_ms: int) -> str:
    left_ms = lease.expires_at_ms - now_ms
    held = lease.owner is not None and left_ms >= 0
    # The owner id is host:pid:random (ShardLeases' new_owner_id).
    pid = (
        lease.owner.split(":")[-2] if held and lease.owner and lease.owner.count(":") >= 2 else "-"
    )
    return f"{lease.shard_id} {pid} {max(left_ms, 0) if held else 0} {lease.owner or '-'}"


def main() -> int:
    """Print who holds each shard lease; the exit status.

    One line per shard lease of the journal table's current stream: the shard id, the holder's pid
    (`-` when free or expired), the milliseconds before it expires, and the holder's id. Used by
    `run-cluster.sh status`; exits 1 when DynamoDB cannot be asked.
    """
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"lease_holders: {error}", file=sys.stderr)
        return 2
    try:
        leases = asyncio.run(_leases(settings))
    except Exception as error:
        print(f"lease_holders: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    now_ms = time.time_ns() // 1_000_000
    for lease in sorted(leases, key=lambda lease: lease.shard_id):
        print(_line(lease, now_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
