"""AggregateTurns: the commands of this process on one aggregate run one after the other."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from domain.user_account import UserAccountId


class _Turn:
    __slots__ = ("holders", "lock")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.holders = 0  # the command running and those waiting for their turn


class AggregateTurns:
    """One lock per aggregate that has a command running or waiting; forgotten when none has.

    Two commands of one process on one account would otherwise decide on the same state, and all but
    one would meet a concurrency conflict and reload from the journal. Taking turns, each finds the
    state its predecessor left in the aggregate cache. Other processes are not held back: the
    journal's conditional append still arbitrates between them.
    """

    def __init__(self) -> None:
        self._turns: dict[UserAccountId, _Turn] = {}

    def __len__(self) -> int:
        return len(self._turns)

    @asynccontextmanager
    async def turn(self, aggregate_id: UserAccountId) -> AsyncIterator[None]:
        """Wait until no other command of this process runs on `aggregate_id`, then hold it."""
        turn = self._turns.get(aggregate_id)
        if turn is None:
            turn = self._turns[aggregate_id] = _Turn()
        turn.holders += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.holders -= 1
            if turn.holders == 0:
                del self._turns[aggregate_id]
