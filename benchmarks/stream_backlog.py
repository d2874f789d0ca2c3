"""A journal backlog for the read-side scenarios: realistic events (creates, then renames of the
same accounts, interleaved as users would produce them), as journal items built with the
project's own serializer, written to moto fast with BatchWriteItem so that its stream holds them
all; and the same events decoded, for the in-process projection scenario."""

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.dynamodb import dynamodb_client, dynamodbstreams_client
from infrastructure.settings import Settings
from infrastructure.ulid_generator import UlidGenerator

EVENTS_PER_ACCOUNT = 4  # a create and three renames
FIRST_NAMES = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken"]
LAST_NAMES = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]


def _name(pick: random.Random) -> UserAccountName:
    return UserAccountName.parse(pick.choice(FIRST_NAMES), pick.choice(LAST_NAMES)).unwrap()


def backlog_events(count: int, seed: int = 6) -> list[UserAccountEvent]:
    """`count` events of `count / 4` accounts: each is created and renamed three times; the
    accounts' histories are interleaved at random, each in its own order (as in the journal)."""
    pick = random.Random(seed)
    ids = UlidGenerator()
    start = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)
    histories: list[list[UserAccountEvent]] = []
    for number in range(-(-count // EVENTS_PER_ACCOUNT)):
        account_id = UserAccountId(ids.new_id())
        name = _name(pick)
        moment = start + timedelta(milliseconds=number)
        email = EmailAddress.parse(f"user{number}@example.com").unwrap()
        history: list[UserAccountEvent] = [
            UserAccountCreated(ids.new_id(), account_id, 1, moment, name, email, None)
        ]
        for seq_nr in range(2, EVENTS_PER_ACCOUNT + 1):
            new_name = _name(pick)
            moment += timedelta(seconds=1)
            history.append(
                UserAccountRenamed(ids.new_id(), account_id, seq_nr, moment, name, new_name)
            )
            name = new_name
        histories.append(history)
    events: list[UserAccountEvent] = []
    # The next event of a random account with events left: orders interleave, never invert.
    open_histories = [list(reversed(history)) for history in histories]
    while open_histories and len(events) < count:
        index = pick.randrange(len(open_histories))
        events.append(open_histories[index].pop())
        if not open_histories[index]:
            open_histories[index] = open_histories[-1]
            open_histories.pop()
    return events


@asynccontextmanager
async def clients(settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """A DynamoDB and a DynamoDB Streams client for `settings`."""
    async with dynamodb_client(settings) as dynamodb, dynamodbstreams_client(settings) as streams:
        yield dynamodb, streams


async def only_shard(dynamodb: Any, streams: Any, table_name: str) -> tuple[str, str]:
    """The journal's stream ARN and its (moto: only) shard id."""
    table = await dynamodb.describe_table(TableName=table_name)
    stream_arn: str = table["Table"]["LatestStreamArn"]
    description = await streams.describe_stream(StreamArn=stream_arn)
    shards = description["StreamDescription"]["Shards"]
    if len(shards) != 1:
        raise RuntimeError(f"expected one stream shard, found {len(shards)}")
    shard_id: str = shards[0]["ShardId"]
    return stream_arn, shard_id


async def drain_with_get_records(
    streams: Any,
    stream_arn: str,
    shard_id: str,
    expected: int,
    limit: int = 1000,
    on_progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Read the shard from its trim horizon with raw GetRecords calls (`limit` each, reusing
    NextShardIterator) until `expected` records came; the count read."""
    iterator = (
        await streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )
    )["ShardIterator"]
    read = 0
    while read < expected and iterator:
        response = await streams.get_records(ShardIterator=iterator, Limit=limit)
        read += len(response.get("Records") or [])
        iterator = response.get("NextShardIterator")
        on_progress(read)
    return read
