"""CheckpointStoreContract: what every CheckpointStore adapter must do; a test module subclasses
it and provides the `store` fixture (in memory, and PostgreSQL, run the same tests)."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from infrastructure.stream_consumer import CheckpointStore, DeadLetter, DeadLetterSummary, ShardRef

SHARD = ShardRef("arn:stream-1", "shard-1", "journal", None)
CHILD = ShardRef("arn:stream-1", "shard-2", "journal", "shard-1")
OTHER_STREAM = ShardRef("arn:stream-0", "shard-1", "journal", None)
OTHER_TABLE = ShardRef("arn:other-table", "shard-1", "snapshot", None)
T0 = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


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

    async def test_parked_records_are_listed_in_the_order_they_were_parked(
        self, store: CheckpointStore
    ) -> None:
        assert await store.summarize_dead_letters() == DeadLetterSummary(0, None, None)
        assert await store.list_dead_letters() == []
        await store.commit(SHARD, "2", [letter("1", "A", 5, T1), letter("2", None, 1, T1)])
        await store.commit(CHILD, "7", [letter("7", "B", 5, T0)])
        listed = await store.list_dead_letters()
        assert [(s.stream_arn, s.shard_id, s.letter) for s in listed] == [
            (SHARD.stream_arn, "shard-1", letter("1", "A", 5, T1)),
            (SHARD.stream_arn, "shard-1", letter("2", None, 1, T1)),
            (CHILD.stream_arn, "shard-2", letter("7", "B", 5, T0)),
        ]
        ids = [stored.letter_id for stored in listed]
        assert ids == sorted(set(ids))
        assert await store.summarize_dead_letters() == DeadLetterSummary(3, ids[2], T0)
        # Pages: after the last id seen, at most `limit`.
        assert await store.list_dead_letters(after_id=ids[0], limit=1) == [listed[1]]
        assert await store.list_dead_letters(after_id=ids[2]) == []

    async def test_a_letter_is_found_by_its_id(self, store: CheckpointStore) -> None:
        await store.commit(SHARD, "1", [letter("1", "A", 5, T0)])
        [stored] = await store.list_dead_letters()
        assert await store.get_dead_letter(stored.letter_id) == stored
        assert await store.get_dead_letter(stored.letter_id + 1) is None

    async def test_a_letter_keeps_the_trace_context_of_its_record(
        self, store: CheckpointStore
    ) -> None:
        traced = dataclasses.replace(
            letter("1", "A", 5, T0),
            correlation_id="cid-1",
            traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        await store.commit(SHARD, "2", [traced, letter("2", "B", 5, T0)])
        first, second = await store.list_dead_letters()
        assert first.letter == traced
        assert (second.letter.correlation_id, second.letter.traceparent) == (None, None)
        assert await store.get_dead_letter(first.letter_id) == first

    async def test_a_retry_that_failed_again_counts_one_more_attempt(
        self, store: CheckpointStore
    ) -> None:
        later = T0 + timedelta(minutes=5)
        await store.commit(SHARD, "1", [letter("1", "A", 5, T0)])
        [stored] = await store.list_dead_letters()
        assert await store.count_failed_retry(stored.letter_id, "still broken", later)
        again = await store.get_dead_letter(stored.letter_id)
        assert again is not None
        assert (again.letter.attempts, again.letter.error) == (6, "still broken")
        assert (again.letter.first_failed_at, again.letter.last_failed_at) == (T0, later)
        assert not await store.count_failed_retry(stored.letter_id + 1, "gone", later)

    async def test_letters_are_deleted_by_id_or_up_to_an_id(self, store: CheckpointStore) -> None:
        await store.commit(SHARD, "4", [letter(str(n), "A", 5, T0) for n in range(1, 5)])
        ids = [stored.letter_id for stored in await store.list_dead_letters()]
        assert await store.delete_dead_letters([ids[1], ids[1] + 1000]) == 1
        assert await store.delete_dead_letters([]) == 0
        assert await store.delete_dead_letters_through(ids[2]) == 2
        assert [s.letter_id for s in await store.list_dead_letters()] == [ids[3]]
        # Parked again after a delete, a record is a new letter: a new, higher id.
        await store.commit(SHARD, "4", [letter("1", "A", 5, T0)])
        assert [s.letter_id for s in await store.list_dead_letters()][-1] > ids[3]

    async def test_a_checkpoint_is_set_exactly_and_unfinished(self, store: CheckpointStore) -> None:
        await store.commit(SHARD, "100")
        await store.finish(SHARD)
        await store.set_checkpoint(SHARD, None)
        checkpoint = (await store.load(SHARD.stream_arn))["shard-1"]
        assert (checkpoint.last_sequence_number, checkpoint.finished) == (None, False)
        await store.set_checkpoint(SHARD, "50")
        assert (await store.load(SHARD.stream_arn))["shard-1"].last_sequence_number == "50"
        await store.set_checkpoint(CHILD, "7")
        child = (await store.load(CHILD.stream_arn))["shard-2"]
        assert (child.shard, child.last_sequence_number, child.finished) == (CHILD, "7", False)

    async def test_dead_letters_are_counted_once_each_over_every_stream(
        self, store: CheckpointStore
    ) -> None:
        assert await store.count_dead_letters() == 0
        await store.commit(SHARD, "2", [letter("1", "A", 5, T0), letter("2", None, 5, T0)])
        await store.commit(OTHER_STREAM, None, [letter("1", "B", 5, T0)])
        await store.commit(SHARD, None, [letter("1", "A", 1, T0)])  # parked again: one letter
        assert await store.count_dead_letters() == 3
