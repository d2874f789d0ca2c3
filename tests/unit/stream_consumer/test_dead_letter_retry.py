"""DeadLetterRetry: parked records go back to the handler per shard, in the order they were
parked; applied ones are removed, failed ones counted; an unreachable target changes nothing."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest

from infrastructure.stream_consumer import (
    BatchOutcome,
    DeadLetterRetry,
    FailureKind,
    RecordFailure,
    sequence_number_of,
)
from tests.support.checkpoint_store import InMemoryCheckpointStore
from tests.support.checkpoint_store_contract import CHILD, SHARD, T0, letter

pytestmark = pytest.mark.unit

LATER = T0 + timedelta(hours=1)


class ScriptedHandler:
    """Fails the records whose sequence numbers are in `failing`; raises when `down`."""

    def __init__(self, failing: Mapping[str, str] | None = None, down: bool = False) -> None:
        self.failing = dict(failing or {})
        self.down = down
        self.calls: list[list[str]] = []

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        numbers = [sequence_number_of(record) for record in records]
        self.calls.append(numbers)
        if self.down:
            raise ConnectionRefusedError("the read model is down")
        failures = [
            RecordFailure(n, None, None, FailureKind.NOT_APPLIED, self.failing[n], True)
            for n in numbers
            if n in self.failing
        ]
        return BatchOutcome(len(numbers) - len(failures), 0, 0, 0, failures)


async def parked_store() -> InMemoryCheckpointStore:
    store = InMemoryCheckpointStore()
    await store.commit(SHARD, "3", [letter("3", "A", 5, T0)])
    await store.commit(CHILD, "9", [letter("9", "B", 5, T0)])
    await store.commit(SHARD, "1", [letter("1", "A", 2, T0)])
    return store


async def test_each_shards_letters_go_together_in_the_order_they_were_parked() -> None:
    store = await parked_store()
    handler = ScriptedHandler()
    result = await DeadLetterRetry(handler, store, now=lambda: LATER)(
        list(reversed(await store.list_dead_letters()))
    )
    assert sorted(handler.calls) == [["3", "1"], ["9"]]
    assert sorted(result.applied) == [1, 2, 3]
    assert result.failed == {}
    assert await store.list_dead_letters() == []


async def test_a_letter_that_fails_again_stays_with_its_new_error() -> None:
    store = await parked_store()
    handler = ScriptedHandler(failing={"1": "still broken"})
    letters = await store.list_dead_letters()
    result = await DeadLetterRetry(handler, store, now=lambda: LATER)(letters)
    [kept] = await store.list_dead_letters()
    assert result.failed == {kept.letter_id: "still broken"}
    assert (kept.letter.sequence_number, kept.letter.attempts) == ("1", 3)
    assert (kept.letter.error, kept.letter.last_failed_at) == ("still broken", LATER)
    assert len(result.applied) == 2


async def test_an_unreachable_target_changes_no_letter() -> None:
    store = await parked_store()
    before = await store.list_dead_letters()
    with pytest.raises(ConnectionRefusedError):
        await DeadLetterRetry(ScriptedHandler(down=True), store)(before)
    assert await store.list_dead_letters() == before
