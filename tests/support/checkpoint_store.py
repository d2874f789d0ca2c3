"""InMemoryCheckpointStore: the CheckpointStore port in dicts, for unit tests of the consumer."""

import dataclasses
import itertools
from collections.abc import Collection, Sequence
from datetime import datetime

from infrastructure.stream_consumer import (
    DeadLetter,
    DeadLetterSummary,
    ShardCheckpoint,
    ShardRef,
    StoredDeadLetter,
)

LetterKey = tuple[str, str, str]  # stream ARN, shard id, sequence number


class InMemoryCheckpointStore:
    def __init__(self) -> None:
        self.checkpoints: dict[tuple[str, str], ShardCheckpoint] = {}
        self.dead_letters: dict[LetterKey, DeadLetter] = {}
        # The ids an operator names letters by, given in the order they were first parked.
        self.letter_ids: dict[LetterKey, int] = {}
        self.commits = 0
        self._next_id = itertools.count(1)

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
            key = (shard.stream_arn, shard.shard_id, letter.sequence_number)
            self.dead_letters[key] = letter
            if key not in self.letter_ids:
                self.letter_ids[key] = next(self._next_id)
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

    async def summarize_dead_letters(self) -> DeadLetterSummary:
        if not self.dead_letters:
            return DeadLetterSummary(0, None, None)
        return DeadLetterSummary(
            len(self.dead_letters),
            max(self.letter_ids.values()),
            min(letter.first_failed_at for letter in self.dead_letters.values()),
        )

    async def list_dead_letters(
        self, after_id: int = 0, limit: int = 100
    ) -> list[StoredDeadLetter]:
        stored = sorted(
            (self._stored(key) for key in self.dead_letters),
            key=lambda letter: letter.letter_id,
        )
        return [letter for letter in stored if letter.letter_id > after_id][:limit]

    async def get_dead_letter(self, letter_id: int) -> StoredDeadLetter | None:
        key = self._key_of(letter_id)
        return None if key is None else self._stored(key)

    async def count_failed_retry(self, letter_id: int, error: str, at: datetime) -> bool:
        key = self._key_of(letter_id)
        if key is None:
            return False
        letter = self.dead_letters[key]
        self.dead_letters[key] = dataclasses.replace(
            letter,
            error=error,
            attempts=letter.attempts + 1,
            last_failed_at=max(letter.last_failed_at, at),
        )
        return True

    async def delete_dead_letters(self, letter_ids: Collection[int]) -> int:
        keys = [key for key, letter_id in self.letter_ids.items() if letter_id in letter_ids]
        for key in keys:
            del self.dead_letters[key], self.letter_ids[key]
        return len(keys)

    async def delete_dead_letters_through(self, last_id: int) -> int:
        return await self.delete_dead_letters(
            [letter_id for letter_id in self.letter_ids.values() if letter_id <= last_id]
        )

    async def set_checkpoint(self, shard: ShardRef, last_sequence_number: str | None) -> None:
        self.checkpoints[(shard.stream_arn, shard.shard_id)] = ShardCheckpoint(
            shard, last_sequence_number, False
        )

    def _key_of(self, letter_id: int) -> LetterKey | None:
        return next((key for key, id_ in self.letter_ids.items() if id_ == letter_id), None)

    def _stored(self, key: LetterKey) -> StoredDeadLetter:
        return StoredDeadLetter(self.letter_ids[key], key[0], key[1], self.dead_letters[key])

    async def count_dead_letters(self) -> int:
        return len(self.dead_letters)
