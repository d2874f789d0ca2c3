"""A mix of creates, renames and deletes sent with bounded concurrency, every outcome kept."""

import asyncio
import random
from collections.abc import Callable

from tests.support.command_client import CommandClient, CommandOutcome

RENAME_SHARE = 0.35
DELETE_SHARE = 0.10


class CommandLoad:
    """Sends commands, `concurrency` at a time, until `stop()`.

    Each command gets a unique tag (`<prefix><n>`), the first name it writes. Renames and deletes
    go to accounts whose create was acknowledged, one command per account at a time.
    """

    def __init__(
        self,
        client: CommandClient,
        rng: random.Random,
        *,
        concurrency: int = 8,
        prefix: str = "L",
    ) -> None:
        self._client = client
        self._rng = rng
        self._concurrency = concurrency
        self._prefix = prefix
        self._next = 0
        self._free: list[str] = []
        self._stop = asyncio.Event()
        self._answered = asyncio.Condition()
        self.outcomes: list[CommandOutcome] = []

    @property
    def sent(self) -> int:
        return self._next

    @property
    def acknowledged(self) -> int:
        return sum(outcome.acknowledged for outcome in self.outcomes)

    def stop(self) -> None:
        """Send no new command; those in flight finish."""
        self._stop.set()

    async def run(self) -> list[CommandOutcome]:
        """Send commands until `stop()`; every outcome."""
        await asyncio.gather(*(self._worker() for _ in range(self._concurrency)))
        return self.outcomes

    async def until_acknowledged(self, count: int, within: float = 60.0) -> None:
        """Wait until `count` more commands have been acknowledged than now."""
        target = self.acknowledged + count
        await self.until(lambda: self.acknowledged >= target, within)

    async def until(self, condition: Callable[[], bool], within: float = 60.0) -> None:
        """Wait until `condition` holds, looked at after each answer (`within` only stops a
        test that would hang)."""
        async with asyncio.timeout(within), self._answered:
            await self._answered.wait_for(condition)

    async def _worker(self) -> None:
        while not self._stop.is_set():
            self._next += 1
            outcome = await self._one(f"{self._prefix}{self._next}")
            async with self._answered:
                self.outcomes.append(outcome)
                self._answered.notify_all()

    async def _one(self, tag: str) -> CommandOutcome:
        draw = self._rng.random()
        if not self._free or draw >= RENAME_SHARE + DELETE_SHARE:
            outcome = await self._client.create(tag)
            if outcome.acknowledged:
                assert outcome.account_id is not None
                self._free.append(outcome.account_id)
            return outcome
        account = self._free.pop(self._rng.randrange(len(self._free)))
        if draw < RENAME_SHARE:
            outcome = await self._client.rename(account, tag)
        else:
            outcome = await self._client.delete(account)
        if outcome.kind == "delete":
            # Deleted; or failed, and then it may have landed all the same (its reply lost in
            # an outage): either way no further command goes to the account, whose answer could
            # only be ALREADY_DELETED.
            return outcome
        self._free.append(account)
        return outcome
