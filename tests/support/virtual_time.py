"""An event loop on a virtual clock, for unit tests of timers, leases and deadlines: time moves
only while every task waits, so how busy the machine is cannot change what a test sees.

Only for tests that wait on nothing but the loop's timers and each other: a wait for a thread or a
socket would see the clock jump past its timeouts."""

import asyncio
import selectors
import time
from collections.abc import Callable, Coroutine
from typing import Any
from unittest import mock

# Where the virtual wall clock starts (any fixed instant: runs repeat exactly).
_EPOCH = 1_800_000_000.0


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0


class _JumpingSelector(selectors.DefaultSelector):
    """Waits for nothing: when the loop would sleep until its next timer and no file is ready,
    the clock jumps to that timer instead."""

    def __init__(self, clock: _Clock) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        if timeout is None:
            # No timer is due: only a file (another thread waking the loop) can end the wait.
            return super().select(None)
        self._clock.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """`time()` is the virtual clock; sleeps, timeouts and `call_later` take no real time."""

    def __init__(self) -> None:
        self._clock = _Clock()
        super().__init__(_JumpingSelector(self._clock))

    def time(self) -> float:
        return self._clock.now

    def wall_time(self) -> float:
        """The virtual `time.time()`."""
        return _EPOCH + self._clock.now

    def wall_time_ns(self) -> int:
        return int(self.wall_time() * 1e9)


def in_virtual_time(
    test: Callable[[], Coroutine[Any, Any, None]],
) -> Callable[[], None]:
    """Runs the async test `test` (which takes no fixture) to its end on a VirtualTimeLoop, with
    `time.monotonic`, `time.time` and `time.time_ns` reading the virtual clock (code that reads
    them directly, not through the loop, sees the same time; a default argument bound to one of
    them at import does not)."""

    def run() -> None:
        loop = VirtualTimeLoop()
        try:
            with (
                mock.patch.object(time, "monotonic", loop.time),
                mock.patch.object(time, "time", loop.wall_time),
                mock.patch.object(time, "time_ns", loop.wall_time_ns),
            ):
                loop.run_until_complete(test())
                _cancel_the_rest(loop)
        finally:
            loop.close()

    run.__name__, run.__qualname__, run.__doc__ = test.__name__, test.__qualname__, test.__doc__
    run.__module__ = test.__module__
    return run


def _cancel_the_rest(loop: asyncio.AbstractEventLoop) -> None:
    """What `asyncio.run` does at the end: tasks a test left running are cancelled."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.wait(tasks))
    loop.run_until_complete(loop.shutdown_asyncgens())
