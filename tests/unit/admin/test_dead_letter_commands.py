"""The dead-letter commands on an in-memory store: what they print (never a payload), what
they change, and their exit statuses."""

import json
from collections.abc import Sequence
from typing import cast

import pytest

from apps.admin.dead_letters import list_letters, purge_letters, retry_letters, show_letter
from apps.admin.terminal import FAILED, OK
from domain.user_account import UserAccountId
from infrastructure.stream_consumer import DeadLetterRetry, RetryResult, StoredDeadLetter
from tests.unit.admin.captured_terminal import captured
from tests.unit.admin.parked_world import T0, ParkedWorld, two_accounts

pytestmark = pytest.mark.unit

PERSONAL = ("Taro", "Yamada", "taro@example.com", "Hanako", "Hanae", "hanako@example.com")


def assert_no_personal_data(world: ParkedWorld, text: str) -> None:
    for secret in (*PERSONAL, *(world.payload_text(i) for i in range(3))):
        assert secret not in text


async def test_an_empty_table_lists_no_letters() -> None:
    world = await two_accounts()
    screen = captured()
    assert await list_letters(world.store, screen.terminal, limit=100, as_json=False) == OK
    assert "no dead letters" in screen.out


async def test_the_list_shows_metadata_and_no_payload() -> None:
    world = await two_accounts()
    first = await world.park(0, error="DeserializationError: bad")
    second = await world.park(2, error="held back", attempts=1)
    screen = captured()
    assert await list_letters(world.store, screen.terminal, limit=100, as_json=False) == OK
    lines = screen.out.splitlines()
    row = next(line for line in lines if line.strip().startswith(str(first)))
    taro = world.batch.events[0].aggregate_id.value
    assert taro in row
    assert "Created V2" in row
    assert "DeserializationError: bad" in row
    assert any(line.strip().startswith(str(second)) for line in lines)
    assert "2 dead letter(s), all shown" in screen.out
    assert_no_personal_data(world, screen.out + screen.err)


async def test_the_json_list_names_each_letter_and_its_event() -> None:
    world = await two_accounts()
    letter_id = await world.park(2)
    screen = captured()
    assert await list_letters(world.store, screen.terminal, limit=0, as_json=True) == OK
    [entry] = json.loads(screen.out)
    record = world.batch.records[2]
    assert entry["id"] == letter_id
    assert entry["sequence_number"] == record["dynamodb"]["SequenceNumber"]
    assert entry["account_id"] == world.batch.events[2].aggregate_id.value
    assert (entry["event_type"], entry["event_version"], entry["seq_nr"]) == (
        "UserAccountEvent.Renamed",
        "V2",
        2,
    )
    assert (entry["attempts"], entry["first_failed_at"]) == (5, T0.isoformat())
    assert "record" not in entry
    assert_no_personal_data(world, screen.out)


async def test_a_limit_shows_the_oldest_and_says_how_many_there_are() -> None:
    world = await two_accounts()
    ids = [await world.park(index) for index in range(3)]
    screen = captured()
    assert await list_letters(world.store, screen.terminal, limit=2, as_json=True) == OK
    assert [entry["id"] for entry in json.loads(screen.out)] == ids[:2]
    screen = captured()
    assert await list_letters(world.store, screen.terminal, limit=2, as_json=False) == OK
    assert "3 dead letter(s), 2 of 3 shown" in screen.out
    assert "--limit 0" in screen.err


async def test_show_gives_the_details_and_raw_gives_the_record_with_a_warning() -> None:
    world = await two_accounts()
    letter_id = await world.park(1, error="InconsistentHistoryError: odd")
    screen = captured()
    assert (
        await show_letter(world.store, screen.terminal, letter_id, raw=False, as_json=False) == OK
    )
    assert "InconsistentHistoryError: odd" in screen.out
    assert f"UserAccount-{world.batch.events[1].aggregate_id.value} #1" in screen.out
    assert_no_personal_data(world, screen.out + screen.err)

    raw = captured()
    assert await show_letter(world.store, raw.terminal, letter_id, raw=True, as_json=False) == OK
    stored = await world.store.get_dead_letter(letter_id)
    assert stored is not None
    assert json.loads(raw.out) == stored.letter.record
    assert world.payload_text(1) in raw.out
    assert "personal data" in raw.err


async def test_an_unknown_letter_is_a_failure() -> None:
    world = await two_accounts()
    for command in (
        show_letter(world.store, (screen := captured()).terminal, 42, raw=False, as_json=False),
        retry_letters(world.store, world.retry, screen.terminal, 42, as_json=False),
        purge_letters(world.store, screen.terminal, 42, yes=True),
    ):
        assert await command == FAILED
        assert "no dead letter 42" in screen.err


async def test_a_retry_that_applies_removes_the_letter() -> None:
    world = await two_accounts()
    letter_id = await world.park(0, error="the journal was unreachable")
    screen = captured()
    assert (
        await retry_letters(world.store, world.retry, screen.terminal, letter_id, as_json=False)
        == OK
    )
    assert f"✓ {letter_id} applied and removed" in screen.out
    assert await world.store.get_dead_letter(letter_id) is None
    taro = world.batch.events[0].aggregate_id
    assert (await world.read_model.load_rows([taro]))[taro].version == 1


async def test_a_retry_that_fails_again_keeps_the_letter_with_one_more_attempt() -> None:
    world = await two_accounts()
    world.batch.corrupt(0)
    letter_id = await world.park(0, error="DeserializationError: first time", attempts=5)
    screen = captured()
    assert (
        await retry_letters(world.store, world.retry, screen.terminal, letter_id, as_json=False)
        == FAILED
    )
    stored = await world.store.get_dead_letter(letter_id)
    assert stored is not None
    assert stored.letter.attempts == 6
    assert stored.letter.error.startswith("DeserializationError")
    assert stored.letter.error != "DeserializationError: first time"
    assert stored.letter.last_failed_at == T0.replace(hour=9)
    assert f"✗ {letter_id} failed again" in screen.out
    assert await world.read_model.load_rows([world.batch.events[0].aggregate_id]) == {}


async def test_retry_all_applies_each_accounts_letters_in_turn_and_keeps_the_broken() -> None:
    world = await two_accounts()
    world.batch.corrupt(0)
    broken = await world.park(0)
    # Hanako's creation and rename, both parked: applied in the order they were parked.
    created, renamed = await world.park(1), await world.park(2)
    screen = captured()
    assert (
        await retry_letters(world.store, world.retry, screen.terminal, None, as_json=True) == FAILED
    )
    answer = json.loads(screen.out)
    assert sorted(answer["applied"]) == [created, renamed]
    assert list(answer["failed"]) == [str(broken)]
    assert [s.letter_id for s in await world.store.list_dead_letters()] == [broken]
    hanako = UserAccountId(world.batch.events[1].aggregate_id.value)
    row = (await world.read_model.load_rows([hanako]))[hanako]
    assert (row.first_name, row.version) == ("Hanae", 2)


async def test_retry_all_leaves_the_letters_parked_after_it_started() -> None:
    world = await two_accounts()
    first = await world.park(1)
    retry = world.retry

    class ParkingMeanwhile:
        """The updater parks another record while the retry runs."""

        async def __call__(self, letters: Sequence[StoredDeadLetter]) -> RetryResult:
            await world.park(2)
            return await retry(letters)

    screen = captured()
    meanwhile = cast(DeadLetterRetry, ParkingMeanwhile())
    assert await retry_letters(world.store, meanwhile, screen.terminal, None, as_json=True) == OK
    assert json.loads(screen.out) == {"applied": [first], "failed": {}}
    [left] = await world.store.list_dead_letters()
    assert left.letter.sequence_number == world.batch.sequence_numbers(2)[0]


async def test_retry_all_with_no_letters_succeeds() -> None:
    world = await two_accounts()
    screen = captured()
    assert await retry_letters(world.store, world.retry, screen.terminal, None, as_json=False) == OK
    assert "no dead letters" in screen.out


@pytest.mark.parametrize(
    ("answer", "purged"), [("y\n", True), ("yes\n", True), ("n\n", False), ("", False)]
)
async def test_purge_asks_first(answer: str, purged: bool) -> None:
    world = await two_accounts()
    letter_id = await world.park(0)
    screen = captured(answer)
    code = await purge_letters(world.store, screen.terminal, letter_id, yes=False)
    assert "Purge dead letter" in screen.err
    assert code == (OK if purged else FAILED)
    assert (await world.store.get_dead_letter(letter_id) is None) is purged
    if not purged:
        assert "nothing purged" in screen.err


async def test_purge_all_with_yes_asks_nothing_and_empties_the_table() -> None:
    world = await two_accounts()
    for index in range(3):
        await world.park(index)
    screen = captured()
    assert await purge_letters(world.store, screen.terminal, None, yes=True) == OK
    assert "purged 3 dead letter(s)" in screen.out
    assert screen.err == ""
    assert await world.store.list_dead_letters() == []


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_the_list_fits_the_terminal_and_keeps_each_letters_id(width: int) -> None:
    world = await two_accounts()
    ids = [
        await world.park(index, error="DeserializationError: " + "x" * 200) for index in range(3)
    ]
    screen = captured()
    screen.terminal.out.width = width
    assert await list_letters(world.store, screen.terminal, limit=100, as_json=False) == OK
    lines = screen.out.splitlines()
    assert all(len(line) <= width for line in lines)
    for letter_id in ids:
        assert any(line.split()[:1] == [str(letter_id)] for line in lines)
    assert "…" in screen.out  # the errors are cut, not wrapped
