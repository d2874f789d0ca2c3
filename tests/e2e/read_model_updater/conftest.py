"""Fixtures: the updater as a subprocess on the test's tables, the write side, and waiting."""

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest

from domain.user_account import UserAccountEvent
from infrastructure.dynamodb import dynamodbstreams_client
from infrastructure.settings import Settings
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from tests.support.data_keys import journal_data_keys
from tests.support.journal_check import decrypted_events
from tests.support.moto_server import DynamoDbTables
from tests.support.updater_process import UpdaterProcess
from tests.support.write_side import WriteSide

StartUpdater = Callable[..., UpdaterProcess]


@pytest.fixture
def updater_env(
    moto_endpoint: str,
    moto_settings: Settings,
    postgres_url: str,
    dynamodb_tables: DynamoDbTables,
) -> dict[str, str]:
    return {
        "DYNAMODB_ENDPOINT_URL": moto_endpoint,
        "DATABASE_URL": postgres_url,
        "JOURNAL_TABLE_NAME": dynamodb_tables.journal,
        "SNAPSHOT_TABLE_NAME": dynamodb_tables.snapshot,
        "KEY_TABLE_NAME": dynamodb_tables.keys,
        "LOCAL_KEK_FILE": moto_settings.kek_file,
    }


@pytest.fixture
def start_updater(updater_env: dict[str, str]) -> Iterator[StartUpdater]:
    """Starts updater processes (env overrides as keywords); kills what is left at the end."""
    started: list[UpdaterProcess] = []

    def start(**overrides: str) -> UpdaterProcess:
        process = UpdaterProcess({**updater_env, **overrides}).start()
        started.append(process)
        return process

    yield start
    for process in started:
        if os.environ.get("SHOW_UPDATER_LOG"):
            print(process.log())
        process.close()


@pytest.fixture
def journal(dynamodb: Any, dynamodb_tables: DynamoDbTables) -> DynamoDbUserAccountRepository:
    """The journal, its personal data sealed under the keys the updater process reads."""
    return DynamoDbUserAccountRepository(
        dynamodb,
        dynamodb_tables.journal,
        dynamodb_tables.snapshot,
        snapshot_interval=100,
        data_keys=journal_data_keys(dynamodb, dynamodb_tables.journal),
    )


@pytest.fixture
def write(journal: DynamoDbUserAccountRepository) -> WriteSide:
    return WriteSide(journal)


@pytest.fixture(scope="session")
async def dynamodbstreams(moto_settings: Settings) -> AsyncIterator[Any]:
    async with dynamodbstreams_client(moto_settings) as client:
        yield client


async def journal_events(dynamodb: Any, table: str) -> list[UserAccountEvent]:
    """Every event in the journal table (a Scan), decodable items only, in order per aggregate."""
    events: list[UserAccountEvent] = []
    request: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    keys = journal_data_keys(dynamodb, table)
    while True:
        response = await dynamodb.scan(**request)
        for item in response.get("Items", []):
            try:
                [event] = await decrypted_events([item], keys)
            except (ValueError, AssertionError):
                continue  # a test's deliberately broken item
            events.append(event)
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return sorted(events, key=lambda event: (event.aggregate_id.value, event.seq_nr))


async def stream_sequence_numbers(dynamodbstreams: Any, stream_arn: str) -> list[str]:
    """Every record's sequence number in the stream's (single, in moto) shard."""
    stream = await dynamodbstreams.describe_stream(StreamArn=stream_arn)
    numbers: list[str] = []
    for shard in stream["StreamDescription"]["Shards"]:
        iterator = (
            await dynamodbstreams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
        )["ShardIterator"]
        while True:
            response = await dynamodbstreams.get_records(ShardIterator=iterator, Limit=1000)
            numbers += [record["dynamodb"]["SequenceNumber"] for record in response["Records"]]
            if not response["Records"]:
                break
            iterator = response["NextShardIterator"]
    return numbers


# Only stops a test that would hang: what a test waits for takes a second or two, but on a busy
# machine an updater's start alone can take seconds.
WITHIN_SECONDS = 60.0


async def wait_until(
    condition: Callable[[], Awaitable[bool]],
    within: float = WITHIN_SECONDS,
    what: str = "the condition",
    process: UpdaterProcess | None = None,
) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            log = process.log()[-4000:] if process is not None else ""
            raise AssertionError(f"{what} not reached within {within} s\n{log}")
        await asyncio.sleep(0.05)


def entries_with(process: UpdaterProcess, message: str) -> list[Mapping[str, Any]]:
    return [entry for entry in process.log_entries() if entry.get("message") == message]
