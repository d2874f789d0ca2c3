"""HeapFreezer: the emulator's full garbage collections stay short while its tables grow (what
each one leaves is frozen out of the next)."""

import gc
import logging
import time
from collections import deque
from typing import Any

logger = logging.getLogger(__name__)

OLDEST_GENERATION = 2
# A full collection that took longer is logged (as a warning: requests waited meanwhile).
LONG_PAUSE_SECONDS = 0.1


class HeapFreezer:
    """Freezes what each full collection leaves, and logs the collections that paused long.

    moto keeps every item and every stream record as Python objects of this process. A full
    collection walks all of them, and the collector's rule (a full one once the objects that
    survived the younger generations add up to a quarter of those already there) makes them rarer
    but longer as the tables grow: in a 10-minute soak the emulator stopped answering for up to
    1.4 s at a time, while its RSS went from 100 to 400 MB (docs/performance.md, *Soak run*).

    What survives a full collection here is the tables' content, live until a request removes it,
    and then freed by reference counting (moto's items and stream records hold no cycles). So after
    each full collection the survivors are moved out of the collector's generations
    (`gc.freeze()`), and the next one walks only what came since. The price is cyclic garbage among
    frozen objects, which is never collected; the emulator is a development tool that is restarted
    often, and what its tables hold is not garbage.

    The collector's callback only records the pause (it runs in whichever thread allocated, at any
    bytecode, so it takes no lock and logs nothing); `settle()`, called now and then by the main
    thread, freezes and logs the pauses of collections that took long.
    """

    def __init__(self, long_pause_seconds: float = LONG_PAUSE_SECONDS) -> None:
        self._long_pause_seconds = long_pause_seconds
        self._started = 0.0
        # The pauses (seconds) of the full collections not yet settled: appended by the
        # collector's callback, taken by settle() (deque's append and popleft are atomic).
        self._pending: deque[float] = deque()
        self.full_collections = 0

    def install(self) -> None:
        gc.callbacks.append(self._on_collection)

    def uninstall(self) -> None:
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

    def settle(self) -> int:
        """Freeze what the full collections since the last call left; log their long pauses.
        Returns how many full collections there were."""
        pauses = []
        while self._pending:
            pauses.append(self._pending.popleft())
        if not pauses:
            return 0
        gc.freeze()
        self.full_collections += len(pauses)
        for pause in pauses:
            if pause >= self._long_pause_seconds:
                logger.warning(
                    "a full garbage collection paused the emulator",
                    extra={"seconds": round(pause, 3), "frozen_objects": gc.get_freeze_count()},
                )
        return len(pauses)

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != OLDEST_GENERATION:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self._pending.append(time.perf_counter() - self._started)
