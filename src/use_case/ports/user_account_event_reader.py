"""UserAccountEventReader: reads an aggregate's events from the journal (to fill gaps)."""

from typing import Protocol

from domain.user_account import UserAccountEvent, UserAccountId


class UserAccountEventReader(Protocol):
    async def read_events(
        self, aggregate_id: UserAccountId, after_seq_nr: int, up_to_seq_nr: int | None = None
    ) -> list[UserAccountEvent]:
        """The journal's events of `aggregate_id` with `after_seq_nr < seq_nr <= up_to_seq_nr`
        (no upper bound when None), in order, read consistently (nothing already written missed)."""
        ...
