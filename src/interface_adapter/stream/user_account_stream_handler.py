"""UserAccountStreamHandler: the journal's stream records applied to the read model through the
projection (the stream consumer's StreamRecordHandler), and those that could not be."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.user_account import UserAccountErased, UserAccountId
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

    An erasure (SPEC §9.4) is never held back: it needs nothing of before. Once an account is
    erased, its records that failed (in this batch, or delivered again later) have nothing left
    to apply: they are not reported, so they are never parked, and a dead letter of theirs that
    an operator retries is done with. (Its erased row's commit deleted the account's dead
    letters; the projection's follow-up destroyed its data key.)
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
            elif not isinstance(record.event, UserAccountErased) and (
                (blocker := _blocker(blockers, record.aggregate_key)) is not None
            ):
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
        superseded = await self._erased_accounts(failures.values(), summary.erased, to_project)
        in_order = [
            failure
            for record in decoded
            if (failure := failures.get(record.sequence_number)) is not None
            and failure.entity_id not in superseded
        ]
        return BatchOutcome(
            applied=summary.applied,
            duplicates=summary.duplicates,
            gaps_filled=summary.gaps_filled,
            ignored=ignored + len(failures) - len(in_order),
            failures=in_order,
        )

    async def _erased_accounts(
        self,
        failures: Iterable[RecordFailure],
        erased_rows: frozenset[UserAccountId],
        projected: Iterable[DecodedRecord],
    ) -> set[str]:
        """The erased accounts among the failures' (ids as the failures name them): the
        projection knows those it was given; the others are looked up, only when some fail."""
        failing = {failure.entity_id for failure in failures if failure.entity_id is not None}
        if not failing:
            return set()
        erased = {account_id.value for account_id in erased_rows} & failing
        seen = {record.aggregate_id for record in projected}
        unknown = [UserAccountId(entity) for entity in failing - seen]
        if unknown:
            erased |= {account_id.value for account_id in await self._project.erased_among(unknown)}
        return erased


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
