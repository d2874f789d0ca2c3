"""InMemoryCheckpointStore: the CheckpointStore port in dicts, for unit tests of the consumer."""

from collections.abc import Collection, Sequence

from infrastructure.stream_consumer import DeadLetter, ShardCheckpoint, ShardRef


class InMemoryCheckpointStore:
    def __init__(self) -> None:
        self.checkpoints: dict[tuple[str, str], ShardCheckpoint] = {}
        self.dead_letters: dict[tuple[str, str, str], DeadLetter] = {}
        self.commits = 0

    async def load(self, stream_arn: str) -> dict[str, ShardCheckpoint]:
        return {
            shard_id: checkpoint
            for (arn, shard_id), checkpoint in self.checkpoints.items()
            if arn == stream_arn
        }

    async def commit(
        self,
        shard: ShardRef,
        last_sequence_number: str | None,
        dead_letters: Sequence[DeadLetter] = (),
    ) -> None:
        self.commits += 1
        for letter in dead_letters:
            self.dead_letters[(shard.stream_arn, shard.shard_id, letter.sequence_number)] = letter
        key = (shard.stream_arn, shard.shard_id)
        stored = self.checkpoints.get(key)
        position = last_sequence_number or (stored.last_sequence_number if stored else None)
        finished = stored.finished if stored else False
        self.checkpoints[key] = ShardCheckpoint(shard, position, finished)

    async def finish(self, shard: ShardRef) -> None:
        stored = self.checkpoints.get((shard.stream_arn, shard.shard_id))
        position = stored.last_sequence_number if stored else None
        self.checkpoints[(shard.stream_arn, shard.shard_id)] = ShardCheckpoint(
            shard, position, True
        )

    async def forget(self, stream_arn: str, shard_ids: Collection[str] | None = None) -> None:
        for arn, shard_id in list(self.checkpoints):
            if arn == stream_arn and (shard_ids is None or shard_id in shard_ids):
                del self.checkpoints[(arn, shard_id)]

    async def forget_other_streams(self, table_name: str, stream_arn: str) -> list[str]:
        gone = sorted(
            {
                arn
                for (arn, _), checkpoint in self.checkpoints.items()
                if checkpoint.shard.table_name == table_name and arn != stream_arn
            }
        )
        for arn in gone:
            await self.forget(arn)
        return gone

    async def parked_entities(self, entity_ids: Collection[str]) -> set[str]:
        parked = {letter.entity_id for letter in self.dead_letters.values()}
        return {entity_id for entity_id in entity_ids if entity_id in parked}

    async def count_dead_letters(self) -> int:
        return len(self.dead_letters)
