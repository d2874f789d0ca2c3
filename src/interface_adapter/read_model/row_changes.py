"""Checks on a batch of row changes that every read-model adapter shares."""

from collections.abc import Sequence

from use_case.ports import RowChange


def reject_duplicate_ids(changes: Sequence[RowChange]) -> None:
    """Two changes of one row in a batch would make the expected versions ambiguous: a bug."""
    ids = [change.row.id for change in changes]
    if len(set(ids)) != len(ids):
        raise ValueError("save_rows takes at most one change per row")
