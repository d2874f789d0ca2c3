"""Stream batches of real events for the unit tests: accounts written through the use cases."""

from dataclasses import dataclass, field
from typing import Any

from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.event_store.journal_item import to_journal_item
from tests.support.data_keys import WatchedDataKeys
from tests.support.fakes import CountingIdGenerator, SteppingClock
from tests.support.stream_events import CORRUPT_PAYLOAD, sdk_record
from tests.support.write_side import WriteSide
from use_case.ports import ErasedPersonalData

FIRST_SEQUENCE_NUMBER = 1000


@dataclass
class Batch:
    """Events in commit order, and their stream records (some possibly corrupted), sealed under
    the keys of `keys` (which the journal, and a handler of these records, use)."""

    keys: WatchedDataKeys = field(default_factory=WatchedDataKeys)
    events: list[UserAccountEvent] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.journal = InMemoryUserAccountRepository(self.keys)
        self.write = WriteSide(self.journal, SteppingClock(), CountingIdGenerator())

    async def add(self, account_id: UserAccountId, version: int) -> None:
        event = (await self.journal.events_of(account_id))[version - 1]
        assert not isinstance(event, ErasedPersonalData), "the batch's keys are all there"
        self.events.append(event)
        key = await self.keys.find(account_id.value)
        self.records.append(
            sdk_record(to_journal_item(event, key), FIRST_SEQUENCE_NUMBER + len(self.records))
        )

    def corrupt(self, index: int) -> None:
        self.records[index]["dynamodb"]["NewImage"]["payload"] = {"B": CORRUPT_PAYLOAD}

    def sequence_numbers(self, *indexes: int) -> list[str]:
        return [self.records[i]["dynamodb"]["SequenceNumber"] for i in indexes]


async def d_e_f_batch() -> tuple[Batch, dict[str, UserAccountId]]:
    """D1 D2 E1 D3 F1 (indexes 0..4): three accounts, D with three events."""
    batch = Batch()
    d = await batch.write.create("Dai", "Kato")
    await batch.add(d, 1)
    await batch.add(d, await batch.write.rename(d, "Daisuke", "Kato"))
    e = await batch.write.create("Emi", "Sato")
    await batch.add(e, 1)
    await batch.add(d, await batch.write.rename(d, "Daiki", "Kato"))
    f = await batch.write.create("Fumi", "Ito")
    await batch.add(f, 1)
    return batch, {"d": d, "e": e, "f": f}
