"""Why events of one aggregate could not be projected."""

from domain.user_account import UserAccountId


class InconsistentHistoryError(Exception):
    """An event cannot follow the row it would apply to (e.g. a rename of a deleted account)."""


class JournalGapError(Exception):
    """The journal lacks events that delivered ones imply (never expected: they came from it)."""

    def __init__(self, aggregate_id: UserAccountId, missing: list[int]) -> None:
        super().__init__(f"journal of {aggregate_id} lacks events {missing}")
        self.aggregate_id = aggregate_id
        self.missing = missing
