"""Accounts whose stream records are parked in an in-memory checkpoint store, and the updater's
handler over an in-memory read model: what the dead-letter commands work on in unit tests."""

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infrastructure.stream_consumer import DeadLetter, DeadLetterRetry, ShardRef, as_lambda_record
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from interface_adapter.stream.user_account_stream_handler import UserAccountStreamHandler
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.stream_batches import Batch
from tests.unit.stream_consumer.fake_streams import STREAM_ARN
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

SHARD = ShardRef(STREAM_ARN, "shard-1", "journal", None)
T0 = datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC)


@dataclass
class ParkedWorld:
    batch: Batch = field(default_factory=Batch)
    store: InMemoryCheckpointStore = field(default_factory=InMemoryCheckpointStore)
    read_model: InMemoryUserAccountReadModel = field(default_factory=InMemoryUserAccountReadModel)

    @property
    def handler(self) -> UserAccountStreamHandler:
        return UserAccountStreamHandler(
            ProjectUserAccountEvents(self.read_model, self.batch.journal), self.batch.keys
        )

    @property
    def retry(self) -> DeadLetterRetry:
        return DeadLetterRetry(self.handler, self.store, now=lambda: T0.replace(hour=9))

    async def park(self, index: int, error: str = "broken", attempts: int = 5) -> int:
        """Park the batch's record `index`; the letter's id."""
        record = self.batch.records[index]
        number = record["dynamodb"]["SequenceNumber"]
        entity = record["dynamodb"]["Keys"]["pkey"]["S"].removeprefix("UserAccount-")
        letter = DeadLetter(
            number, entity, as_lambda_record(record, STREAM_ARN), error, attempts, T0, T0
        )
        await self.store.commit(SHARD, number, [letter])
        return self.store.letter_ids[(SHARD.stream_arn, SHARD.shard_id, number)]

    def payload_text(self, index: int) -> str:
        payload: Any = self.batch.records[index]["dynamodb"]["NewImage"]["payload"]["B"]
        return base64.b64encode(payload).decode("ascii")


async def two_accounts() -> ParkedWorld:
    """Taro Yamada (created, index 0) and Hanako Suzuki (created, renamed: indexes 1, 2)."""
    world = ParkedWorld()
    batch = world.batch
    taro = await batch.write.create("Taro", "Yamada", "taro@example.com")
    await batch.add(taro, 1)
    hanako = await batch.write.create("Hanako", "Suzuki", "hanako@example.com")
    await batch.add(hanako, 1)
    await batch.add(hanako, await batch.write.rename(hanako, "Hanae", "Suzuki"))
    return world
