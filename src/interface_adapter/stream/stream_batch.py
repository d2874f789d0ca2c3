"""A batch of stream records applied to the read model, and which records could not be.

Shared by the Lambda handler and the local poller. Order per aggregate is kept: a record of an
aggregate is never applied after an earlier record of the same aggregate failed in the batch.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from interface_adapter.serialization.errors import DeserializationError
from interface_adapter.stream.stream_records import (
    DecodedRecord,
    IgnoredRecord,
    StreamRecord,
    UndecodableRecord,
)
from use_case.user_account_projection.errors import InconsistentHistoryError, JournalGapError
from use_case.user_account_projection.project_events import (
    ProjectionSummary,
    ProjectUserAccountEvents,
)

# Failures that come from the data itself: retrying later gives the same answer. Anything else
# (a connection refused, a timeout, a throttled read) is the infrastructure's and will pass.
_RECORD_FAULTS = (
    DeserializationError,
    InconsistentHistoryError,
    JournalGapError,
    KeyError,
    TypeError,
    ValueError,
)


class FailureKind(enum.Enum):
    UNDECODABLE = "undecodable"
    # The projection reported the record's aggregate as failed: none of its events were applied.
    NOT_APPLIED = "not applied"
    # Not tried, to keep order: an earlier record of its aggregate (or of an unknown one) failed.
    HELD_BACK = "held back"


@dataclass(frozen=True, slots=True)
class RecordFailure:
    record: DecodedRecord | UndecodableRecord
    kind: FailureKind
    error: str
    # The failure says something about the record (counts toward dead-lettering), not about
    # a service that was unreachable.
    record_fault: bool

    @property
    def sequence_number(self) -> str:
        return self.record.sequence_number


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    summary: ProjectionSummary
    # In batch order.
    failures: list[RecordFailure]
    ignored: int


def is_record_fault(error: BaseException) -> bool:
    return isinstance(error, _RECORD_FAULTS)


class StreamBatchApplier:
    """Projects the decodable records; reports the others and those held back behind them.

    An undecodable record holds back the later records of its aggregate. One that does not
    even name its aggregate holds back every later record of the batch: any of them could
    belong to it. Infrastructure errors of the read model propagate (nothing is reported).
    """

    def __init__(self, project: ProjectUserAccountEvents) -> None:
        self._project = project

    async def __call__(self, records: Sequence[StreamRecord]) -> BatchOutcome:
        failures: dict[str, RecordFailure] = {}
        blockers: dict[str | None, str] = {}  # aggregate key (None: unknown) → blocking record
        to_project: list[DecodedRecord] = []
        ignored = 0
        for record in records:
            if isinstance(record, IgnoredRecord):
                ignored += 1
            elif isinstance(record, UndecodableRecord):
                failures[record.sequence_number] = RecordFailure(
                    record, FailureKind.UNDECODABLE, record.error, record_fault=True
                )
                blockers.setdefault(record.aggregate_key, record.sequence_number)
            elif (blocker := _blocker(blockers, record.aggregate_key)) is not None:
                failures[record.sequence_number] = RecordFailure(
                    record,
                    FailureKind.HELD_BACK,
                    f"held back behind failed record {blocker} to keep the aggregate's order",
                    record_fault=False,
                )
            else:
                to_project.append(record)
        summary = await self._project([record.event for record in to_project])
        for record in to_project:
            error = summary.failed.get(record.event.aggregate_id)
            if error is not None:
                failures[record.sequence_number] = RecordFailure(
                    record,
                    FailureKind.NOT_APPLIED,
                    f"{type(error).__name__}: {error}",
                    record_fault=is_record_fault(error),
                )
        in_order = [
            failures[record.sequence_number]
            for record in records
            if record.sequence_number in failures
        ]
        return BatchOutcome(summary, in_order, ignored)


def _blocker(blockers: dict[str | None, str], aggregate_key: str) -> str | None:
    return blockers.get(aggregate_key) or blockers.get(None)
