"""UserAccountEventReader: reads an aggregate's events from the journal (to fill gaps), and the
marker of an event whose personal data can no longer be read."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.user_account import UserAccountEvent, UserAccountId


@dataclass(frozen=True, slots=True)
class ErasedPersonalData:
    """A journal event whose personal data is erased: its account's data key is destroyed, so
    only what it carries in clear is known (SPEC §9.4). Not a domain event: the aggregate never
    sees one (an erased history loads as the erased state); the projection applies it as a row
    without personal data at its version."""

    event_id: str
    aggregate_id: UserAccountId
    seq_nr: int
    occurred_at: datetime


# What the journal yields to its readers: an event, or the marker of one that is erased.
JournalEvent = UserAccountEvent | ErasedPersonalData


class UserAccountEventReader(Protocol):
    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[JournalEvent]:
        """The journal's events of `aggregate_id` with `after_seq_nr < seq_nr <= up_to_seq_nr`
        (no upper bound when None), in order, read consistently (nothing already written missed)."""
        ...
