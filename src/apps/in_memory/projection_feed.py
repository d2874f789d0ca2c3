"""ProjectionFeed: committed events go straight into the projection, as the updater would apply
them, so an account is queryable as soon as its mutation answers."""

import logging
from collections.abc import Sequence

from domain.user_account import UserAccountEvent
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

_logger = logging.getLogger(__name__)


class ProjectionFeed:
    """An event listener of the in-memory repository that projects each committed batch."""

    def __init__(self, projection: ProjectUserAccountEvents) -> None:
        self._projection = projection

    async def __call__(self, events: Sequence[UserAccountEvent]) -> None:
        # The events are committed whatever happens here: a failure must not fail the command.
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
