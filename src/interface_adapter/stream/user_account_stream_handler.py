"""UserAccountStreamHandler: the journal's stream records applied to the read model through the
projection (the stream consumer's StreamRecordHandler), and those that could not be."""

from collections.abc import Mapping, Sequence
from typing import Any

from infrastructure.stream_consumer import BatchOutcome, FailureKind, RecordFailure
from interface_adapter.personal_data.data_keys import DataKeys
from interface_adapter.serialization.errors import DeserializationError
from interface_adapter.stream.journal_records import (
    DecodedRecord,
    IgnoredRecord,
    UndecodableRecord,
    decode_records,
)
from use_case.user_account_projection.errors import InconsistentHistoryError, JournalGapError
from use_case.user_account_projection.project_events import ProjectUserAccountEvents

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


def is_record_fault(error: BaseException) -> bool:
    return isinstance(error, _RECORD_FAULTS)


class UserAccountStreamHandler:
    """Projects the decodable records; reports the others and those held back behind them.

    Shared by the Lambda handler and the local poller. Order per aggregate is kept: a record of an
    aggregate is never applied after an earlier record of the same aggregate failed in the batch.

    An undecodable record holds back the later records of its aggregate. One that does not
    even name its aggregate holds back every later record of the batch: any of them could
    belong to it. Infrastructure errors of the read model and of the key store propagate
    (nothing is reported).

    Personal data is decrypted with the accounts' keys from `data_keys`, one lookup per account
    per batch; a record whose account's key is gone is applied as a row without personal data.
    """

    def __init__(self, project: ProjectUserAccountEvents, data_keys: DataKeys) -> None:
        self._project = project
        self._keys = data_keys

    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        decoded = await decode_records(records, self._keys)
        failures: dict[str, RecordFailure] = {}
        blockers: dict[str | None, str] = {}  # aggregate key (None: unknown) → blocking record
        to_project: list[DecodedRecord] = []
        ignored = 0
        for record in decoded:
            if isinstance(record, IgnoredRecord):
                ignored += 1
            elif isinstance(record, UndecodableRecord):
                failures[record.sequence_number] = _failure(
                    record, FailureKind.UNDECODABLE, record.error, record_fault=True
                )
                blockers.setdefault(record.aggregate_key, record.sequence_number)
            elif (blocker := _blocker(blockers, record.aggregate_key)) is not None:
                failures[record.sequence_number] = _failure(
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
                failures[record.sequence_number] = _failure(
                    record,
                    FailureKind.NOT_APPLIED,
                    f"{type(error).__name__}: {error}",
                    record_fault=is_record_fault(error),
                )
        in_order = [
            failures[record.sequence_number]
            for record in decoded
            if record.sequence_number in failures
        ]
        return BatchOutcome(
            applied=summary.applied,
            duplicates=summary.duplicates,
            gaps_filled=summary.gaps_filled,
            ignored=ignored,
            failures=in_order,
        )


def _failure(
    record: DecodedRecord | UndecodableRecord, kind: FailureKind, error: str, *, record_fault: bool
) -> RecordFailure:
    """A failure filed under the record's journal key and account id."""
    return RecordFailure(
        sequence_number=record.sequence_number,
        partition_key=record.aggregate_key,
        entity_id=record.aggregate_id,
        kind=kind,
        error=error,
        record_fault=record_fault,
    )


def _blocker(blockers: dict[str | None, str], aggregate_key: str) -> str | None:
    return blockers.get(aggregate_key) or blockers.get(None)
