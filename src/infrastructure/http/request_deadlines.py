"""RequestDeadlines: cancel the requests that run past the time limit, with one timer for all."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

MAX_PERIOD_SECONDS = 1.0
MIN_PERIOD_SECONDS = 0.005


class RequestDeadlines:
    """Tracks the tasks of the requests in progress; `finish` tells whether time ran out.

    `asyncio.timeout` arms and disarms a timer per request, a visible share of a small request's CPU
    (docs/performance.md). Every request has the same limit, so the requests in progress, in the
    order they started, are also in the order of their deadlines: one timer looks at the oldest ones
    now and then. A request is cancelled at most `period` after its deadline (a twentieth of the
    limit, at most 1 s).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.period = min(max(seconds / 20, MIN_PERIOD_SECONDS), MAX_PERIOD_SECONDS)
        # Keyed by a token per request; insertion order is deadline order.
        self._running: dict[object, tuple[asyncio.Task[object], float]] = {}
        self._expired: set[object] = set()
        self._timer: asyncio.TimerHandle | None = None

    def start(self, token: object, task: asyncio.Task[object]) -> None:
        """`task` serves the request `token` from now; it is cancelled once out of time."""
        loop = task.get_loop()
        self._running[token] = (task, loop.time() + self.seconds)
        if self._timer is None:
            self._timer = loop.call_later(self.period, self._cancel_expired, loop)

    def finish(self, token: object) -> bool:
        """The request `token` is done; True when it was cancelled for running out of time."""
        if self._running.pop(token, None) is not None:
            return False
        if token in self._expired:
            self._expired.discard(token)
            return True
        return False

    async def run(self, work: Awaitable[T], out_of_time: Callable[[], T]) -> T:
        """`work`'s result; or, once it ran out of time (and was cancelled), `out_of_time()`.

        Runs in the current task, so a deadline of an enclosing `run` (another RequestDeadlines)
        still cancels `work` and is told apart: as `asyncio.timeout` does, a cancellation of
        anyone else's goes on.
        """
        task: asyncio.Task[object] | None = asyncio.current_task()
        if task is None:  # pragma: no cover (aiohttp runs every handler in a task)
            return await work
        cancelling = task.cancelling()
        token = object()
        self.start(token, task)
        expired = False
        try:
            return await work
        except asyncio.CancelledError:
            expired = self.finish(token)
            if not expired or task.uncancel() > cancelling:
                raise
        finally:
            if not expired and self.finish(token):
                task.uncancel()  # out of time, but the work was done all the same
        return out_of_time()

    def _cancel_expired(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for token, (task, deadline) in list(self._running.items()):
            if deadline > now:
                break
            del self._running[token]
            self._expired.add(token)
            task.cancel()
        self._timer = (
            loop.call_later(self.period, self._cancel_expired, loop) if self._running else None
        )
