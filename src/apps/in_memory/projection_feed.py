"""ProjectionFeed: committed events go into the projection, as the updater would apply them, in
one batch per event-loop iteration; reads wait for it (`caught_up`), so an account is queryable
as soon as its mutation answers."""

import asyncio
import logging
from collections.abc import Sequence

from domain.user_account import UserAccountEvent
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

_logger = logging.getLogger(__name__)


class ProjectionFeed:
    """An event listener of the in-memory repository that projects what is committed.

    The events committed while the loop runs its ready callbacks (under load, a few dozen
    commands) are projected together once it is done: a batch costs the projection about half
    as much per event as one event alone. Reads first await `caught_up()`, which returns once
    every event committed before it was called is in the read model, so batching is never seen.
    """

    def __init__(self, projection: ProjectUserAccountEvents) -> None:
        self._projection = projection
        self._pending: list[UserAccountEvent] = []
        # Runs while events are pending: pending events always have a worker to project them.
        self._worker: asyncio.Task[None] | None = None

    async def __call__(self, events: Sequence[UserAccountEvent]) -> None:
        self._pending.extend(events)
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._project_pending())

    async def caught_up(self) -> None:
        """Return once the events committed so far are projected (or their failure logged)."""
        worker = self._worker
        if worker is not None:
            # Shielded: a read that is cancelled must not cancel the projection of others.
            await asyncio.shield(worker)

    async def _project_pending(self) -> None:
        try:
            while self._pending:
                events, self._pending = self._pending, []
                await self._project(events)
        finally:
            self._worker = None

    async def _project(self, events: Sequence[UserAccountEvent]) -> None:
        # The events are committed whatever happens here: a failure must not fail a command.
        # It is logged; the account's next event makes the projection read what it missed
        # from the journal (gap filling), as the stream-driven updater would.
        try:
            summary = await self._projection(events)
        except Exception:
            _logger.exception("projecting committed events failed", extra=_ids(events))
            return
        for account_id, error in summary.failed.items():
            _logger.error(
                "projecting committed events failed",
                exc_info=error,
                extra={"aggregate_ids": [str(account_id)]},
            )


def _ids(events: Sequence[UserAccountEvent]) -> dict[str, object]:
    return {"aggregate_ids": sorted({str(event.aggregate_id) for event in events})}
