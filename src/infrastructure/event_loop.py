"""The event loop every service runs on: uvloop where it is installed (more requests per second
than asyncio's own loop: docs/performance.md), else asyncio's."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; platforms without it
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the services' event loop (`asyncio.Runner`: Python 3.11 has no
    `loop_factory` argument on `asyncio.run`)."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
