"""CheckpointStoreContract: what every CheckpointStore adapter must do; a test module subclasses
it and provides the `store` fixture (in memory, and PostgreSQL, run the same tests)."""

from datetime import UTC, datetime
from typing import Any

from infrastructure.stream_consumer import CheckpointStore, DeadLetter, ShardRef

SHARD = ShardRef("arn:stream-1", "shard-1", "journal", None)
CHILD = ShardRef("arn:stream-1", "shard-2", "journal", "shard-1")
OTHER_STREAM = ShardRef("arn:stream-0", "shard-1", "journal", None)
OTHER_TABLE = ShardRef("arn:other-table", "shard-1", "snapshot", None)
T0 = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)


def letter(sequence_number: str, entity_id: str | None, attempts: int, at: datetime) -> DeadLetter:
    record: dict[str, Any] = {
        "eventName": "INSERT",
        "dynamodb": {"SequenceNumber": sequence_number},
    }
    return DeadLetter(sequence_number, entity_id, record, "broken", attempts, at, at)


class CheckpointStoreContract:
    async def test_commits_move_the_checkpoint_and_none_keeps_it(
        self, store: CheckpointStore
    ) -> None:
        assert await store.load(SHARD.stream_arn) == {}
        await store.commit(SHARD, "100")
        await store.commit(SHARD, None, [letter("101", "A", 5, T0)])
        [checkpoint] = (await store.load(SHARD.stream_arn)).values()
        assert (checkpoint.shard, checkpoint.last_sequence_number, checkpoint.finished) == (
            SHARD,
            "100",
            False,
        )
        await store.commit(SHARD, "200")
        assert (await store.load(SHARD.stream_arn))["shard-1"].last_sequence_number == "200"

    async def test_finished_shards_keep_their_lineage(self, store: CheckpointStore) -> None:
        await store.commit(SHARD, "100")
        await store.finish(SHARD)
        await store.finish(CHILD)
        loaded = await store.load(SHARD.stream_arn)
        assert loaded["shard-1"].finished
        assert loaded["shard-1"].last_sequence_number == "100"
        assert loaded["shard-2"].finished
        assert loaded["shard-2"].last_sequence_number is None
        assert loaded["shard-2"].shard.parent_shard_id == "shard-1"

    async def test_forgetting_shards_and_older_streams(self, store: CheckpointStore) -> None:
        for shard in (SHARD, CHILD, OTHER_STREAM, OTHER_TABLE):
            await store.commit(shard, "1")
        await store.forget(SHARD.stream_arn, ["shard-2"])
        assert set(await store.load(SHARD.stream_arn)) == {"shard-1"}
        assert await store.forget_other_streams("journal", SHARD.stream_arn) == ["arn:stream-0"]
        assert await store.load(OTHER_STREAM.stream_arn) == {}
        assert set(await store.load(OTHER_TABLE.stream_arn)) == {"shard-1"}
        await store.forget(SHARD.stream_arn)
        assert await store.load(SHARD.stream_arn) == {}

    async def test_parked_entities_are_found(self, store: CheckpointStore) -> None:
        await store.commit(SHARD, "2", [letter("1", "A", 5, T0), letter("2", None, 5, T0)])
        assert await store.parked_entities(["A", "B"]) == {"A"}
        assert await store.parked_entities([]) == set()

    async def test_dead_letters_are_counted_once_each_over_every_stream(
        self, store: CheckpointStore
    ) -> None:
        assert await store.count_dead_letters() == 0
        await store.commit(SHARD, "2", [letter("1", "A", 5, T0), letter("2", None, 5, T0)])
        await store.commit(OTHER_STREAM, None, [letter("1", "B", 5, T0)])
        await store.commit(SHARD, None, [letter("1", "A", 1, T0)])  # parked again: one letter
        assert await store.count_dead_letters() == 3
