"""AWS Lambda DynamoDB Streams events built from real serialized events: the fixtures' source.

`python -m tests.support.stream_events` (from the checkout, with src on the path) rewrites
tests/fixtures/streams/*.json; a unit test checks that the committed files match. The fixtures are
recorded V1 records (personal data in clear), as the previous version's writer made them: V2
values carry fresh nonces and could not be regenerated identically.
"""

import asyncio
import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.fakes import CountingIdGenerator, SteppingClock
from tests.support.v1_writer import v1_journal_item
from tests.support.write_side import WriteSide

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "streams"
REGION = "ap-northeast-1"
STREAM_ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/journal/stream/2026-11-26T03:04:05.123"
# Real sequence numbers are long digit strings that only grow within a shard.
FIRST_SEQUENCE_NUMBER = 4_421_584_500_000_000_017_450_439_091
# Bytes that no protobuf envelope parses to: a field number 0 is invalid on the wire.
CORRUPT_PAYLOAD = b"\x00\xffnot an envelope"


def lambda_record(
    item: Mapping[str, Any],
    sequence_number: int,
    approximate_creation: datetime,
    event_name: str = "INSERT",
) -> dict[str, Any]:
    """One record as Lambda hands it to a function: JSON, binary values in base64."""
    keys = {"pkey": item["pkey"], "skey": item["skey"]}
    image = {name: _json_attribute(value) for name, value in item.items()}
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": int(approximate_creation.timestamp()),
        "Keys": keys,
    }
    if event_name != "REMOVE":
        dynamodb["NewImage"] = image
    dynamodb |= {
        "SequenceNumber": str(sequence_number),
        "SizeBytes": len(json.dumps({"Keys": keys, "NewImage": image})),
        "StreamViewType": "NEW_IMAGE",
    }
    return {
        "eventID": f"{sequence_number:032x}"[-32:],
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": dynamodb,
        "eventSourceARN": STREAM_ARN,
    }


def sdk_record(
    item: Mapping[str, Any], sequence_number: int | str, event_name: str = "INSERT"
) -> dict[str, Any]:
    """One record as GetRecords returns it through the SDK: bytes and datetimes."""
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC),
        "Keys": {"pkey": item["pkey"], "skey": item["skey"]},
        "SequenceNumber": str(sequence_number),
        "SizeBytes": 100,
        "StreamViewType": "NEW_IMAGE",
    }
    if event_name != "REMOVE":
        dynamodb["NewImage"] = dict(item)
    return {
        "eventID": f"{int(sequence_number):032x}"[-32:],
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": dynamodb,
    }


def _json_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    if "B" in value:
        return {"B": base64.b64encode(value["B"]).decode("ascii")}
    return dict(value)


class _Recorder:
    """Accounts written through the command use cases; their events in commit order."""

    def __init__(self, first_id: int) -> None:
        self.repository = InMemoryUserAccountRepository(InMemoryDataKeys())
        ids = CountingIdGenerator()
        for _ in range(first_id):
            ids.new_id()
        self.write = WriteSide(self.repository, SteppingClock(), ids)
        self.order: list[tuple[UserAccountId, int]] = []

    def note(self, account_id: UserAccountId, version: int) -> None:
        self.order.append((account_id, version))

    async def events(self) -> list[UserAccountEvent]:
        events: list[UserAccountEvent] = []
        for account_id, version in self.order:
            event = (await self.repository.events_of(account_id))[version - 1]
            assert isinstance(event, UserAccountEvent)
            events.append(event)
        return events


def _records(events: list[UserAccountEvent]) -> list[dict[str, Any]]:
    return [
        lambda_record(v1_journal_item(event), FIRST_SEQUENCE_NUMBER + index, event.occurred_at)
        for index, event in enumerate(events)
    ]


async def insert_batch() -> dict[str, Any]:
    """Three accounts: A created and renamed twice, B created and deleted, C created."""
    recorder = _Recorder(first_id=0)
    write = recorder.write
    a = await write.create("Taro", "Yamada", "taro@example.com")
    recorder.note(a, 1)
    b = await write.create("Hanako", "Suzuki", "hanako@example.com")
    recorder.note(b, 1)
    recorder.note(a, await write.rename(a, "Jiro", "Yamada"))
    c = await write.create("山田", "太郎 🎉", "yamada@example.jp")
    recorder.note(c, 1)
    recorder.note(b, await write.delete(b))
    recorder.note(a, await write.rename(a, "Saburo", "Yamada"))
    return {"Records": _records(await recorder.events())}


async def batch_with_undecodable_record() -> dict[str, Any]:
    """D's second event is corrupt; D's third comes later; E and F are fine; a REMOVE of E's
    item (which an append-only journal never produces) is ignored."""
    recorder = _Recorder(first_id=100)
    write = recorder.write
    d = await write.create("Dai", "Kato", "dai@example.com")
    recorder.note(d, 1)
    recorder.note(d, await write.rename(d, "Daisuke", "Kato"))
    e = await write.create("Emi", "Sato", "emi@example.com")
    recorder.note(e, 1)
    recorder.note(d, await write.rename(d, "Daiki", "Kato"))
    f = await write.create("Fumi", "Ito", "fumi@example.com")
    recorder.note(f, 1)
    events = await recorder.events()
    records = _records(events)
    corrupt = records[1]["dynamodb"]["NewImage"]["payload"]
    corrupt["B"] = base64.b64encode(CORRUPT_PAYLOAD).decode("ascii")
    removal = lambda_record(
        v1_journal_item(events[2]),
        FIRST_SEQUENCE_NUMBER + len(records),
        datetime(2026, 11, 26, 3, 5, tzinfo=UTC),
        event_name="REMOVE",
    )
    return {"Records": [*records, removal]}


FIXTURES = {
    "insert_batch.json": insert_batch,
    "batch_with_undecodable_record.json": batch_with_undecodable_record,
}


def render(event: Mapping[str, Any]) -> str:
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def load_fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))
    return loaded


async def _write_all() -> None:
    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    for name, build in FIXTURES.items():
        (FIXTURES_DIR / name).write_text(render(await build()), encoding="utf-8")
        print(f"wrote {FIXTURES_DIR / name}")


if __name__ == "__main__":
    asyncio.run(_write_all())
