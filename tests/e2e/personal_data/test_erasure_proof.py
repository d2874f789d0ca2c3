"""The proof of SPEC §9 on the local stack: personal data never in clear outside the read model;
after erasure (and a rebuild, and down/up) nothing under .run/ but PostgreSQL's data holds it
or the means to open it."""

import asyncio
import base64
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    UserAccountCreated,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)
from infrastructure.dynamodb import dynamodb_client
from infrastructure.settings import Settings
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.event_store.dynamodb_repository import DynamoDbUserAccountRepository
from interface_adapter.event_store.journal_item import from_journal_item, to_journal_item
from tests.e2e.newcomer_path.stack_runner import Stack
from tests.support.data_keys import stack_data_keys
from tests.support.v1_writer import v1_journal_item
from use_case.ports import ErasedPersonalData

pytestmark = pytest.mark.e2e

CREATE = "mutation($i: CreateUserAccountInput!) { createUserAccount(input: $i) { id version } }"
RENAME = "mutation($i: RenameUserAccountInput!) { renameUserAccount(input: $i) { id version } }"
ERASE = "mutation($i: EraseUserAccountInput!) { eraseUserAccount(input: $i) { id version } }"
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { fullName version } }"

# Written by this version: never in clear outside the read model. Written by the previous
# version (V1, in clear): in the journal until erased.
MARKER = "Zq" + secrets.token_hex(6)
V1_MARKER = "Vq" + secrets.token_hex(6)
MARKERS = (MARKER, V1_MARKER)
WAIT_SECONDS = 60.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.on_free_ports(tmp_path_factory.mktemp("erasure") / "run")
    # The updater parks a record after two quick attempts (a dead letter of the proof).
    stack.env.update(
        UPDATER_MAX_ATTEMPTS="2", UPDATER_RETRY_BASE_MS="20", UPDATER_RETRY_MAX_MS="100"
    )
    up = stack.run("run-single.sh", "up")
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield stack
    finally:
        stack.run("run-single.sh", "down", "--volumes")


class Probe:
    """The stack's stores as the proof reads them: DynamoDB, PostgreSQL, the files of .run/."""

    def __init__(self, stack: Stack, client: Any, pool: "asyncpg.Pool[asyncpg.Record]") -> None:
        self.stack = stack
        self.client = client
        self.pool = pool
        self.settings = Settings(dynamodb_endpoint_url=stack.env["DYNAMODB_ENDPOINT_URL"])
        self.keys = stack_data_keys(
            client, self.settings.key_table_name, stack.run_dir / "keys" / "key-encryption-key"
        )

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.stack.env['LOCAL_POSTGRES_PORT']}/pcqrses"

    async def scan(self, table: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
        while True:
            page = await self.client.scan(**request)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    async def every_table(self) -> dict[str, list[dict[str, Any]]]:
        names = (await self.client.list_tables())["TableNames"]
        return {name: await self.scan(name) for name in names}

    async def dead_letters(self) -> list[asyncpg.Record]:
        return await self.pool.fetch("SELECT aggregate_id, record::text, error FROM dead_letters")

    async def read_model_text(self) -> str:
        rows = await self.pool.fetch("SELECT row_to_json(u)::text AS row FROM user_accounts u")
        return "\n".join(row["row"] for row in rows)

    def run_files(self) -> Iterator[Path]:
        """Every file under .run/ but PostgreSQL's own data directory."""
        postgres_data = self.stack.run_dir / "postgres" / "data"
        for path in sorted(self.stack.run_dir.rglob("*")):
            if path.is_file() and postgres_data not in path.parents:
                yield path


def clear_text_in(data: bytes, needles: tuple[bytes, ...], depth: int = 3) -> list[bytes]:
    """The needles in `data`, or in any base64 value in it, and so on `depth` times down (the
    emulator's lines hold each request's body in base64, whose binary attributes are base64)."""
    found = [needle for needle in needles if needle in data]
    if depth == 0:
        return found
    for token in re.split(rb"[^A-Za-z0-9+/=]+", data):
        if len(token) >= 16 and len(token) % 4 == 0:
            try:
                decoded = base64.b64decode(token, validate=True)
            except ValueError:
                continue
            found.extend(clear_text_in(decoded, needles, depth - 1))
    return found


def attribute_bytes(items: list[dict[str, Any]]) -> bytes:
    """Items as bytes: every string as UTF-8 and every binary attribute as it is."""
    chunks: list[bytes] = []

    def walk(value: Any) -> None:
        if isinstance(value, bytes | bytearray):
            chunks.append(bytes(value))
        elif isinstance(value, str):
            chunks.append(value.encode())
        elif isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(items)
    return b"\n".join(chunks)


async def poll(check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"never: {what}"
        await asyncio.sleep(0.2)


@pytest.fixture
async def probe(stack: Stack) -> AsyncIterator[Probe]:
    settings = Settings(dynamodb_endpoint_url=stack.env["DYNAMODB_ENDPOINT_URL"])
    url = f"postgresql://postgres@127.0.0.1:{stack.env['LOCAL_POSTGRES_PORT']}/pcqrses"
    async with dynamodb_client(settings) as client:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        try:
            yield Probe(stack, client, pool)
        finally:
            await pool.close()


async def graphql(stack: Stack, api: str, query: str, variables: dict[str, Any]) -> Any:
    return await asyncio.to_thread(stack.graphql, api, query, variables)


async def served(stack: Stack, account_id: str) -> Any:
    answer = await graphql(stack, "query", GET, {"id": account_id})
    return answer["data"]["getUserAccount"]


async def write_v1_account(probe: Probe) -> UserAccountId:
    """An account as the previous version wrote it: V1 events, names and email in clear."""
    account = UserAccountId(UlidGenerator().new_id())
    ids = UlidGenerator()
    now = datetime.now(UTC)
    created = UserAccountCreated(
        ids.new_id(),
        account,
        1,
        now,
        UserAccountName(f"Old{V1_MARKER}", "Writer"),
        EmailAddress(f"{V1_MARKER.lower()}@example.com"),
        None,
    )
    renamed = UserAccountRenamed(
        ids.new_id(),
        account,
        2,
        now,
        created.name,
        UserAccountName(f"Old{V1_MARKER}", f"Renamed{V1_MARKER}"),
    )
    for event in (created, renamed):
        await probe.client.put_item(
            TableName=probe.settings.journal_table_name, Item=v1_journal_item(event)
        )
    return account


async def park_a_record(probe: Probe, account_id: str, version: int) -> None:
    """A sealed rename of `account_id` that the updater cannot apply (it skips a version): the
    updater parks it, its personal data sealed in the letter; then it leaves the journal again."""
    account = UserAccountId(account_id)
    skipping = UserAccountRenamed(
        UlidGenerator().new_id(),
        account,
        version + 2,
        datetime.now(UTC),
        UserAccountName("Parked", MARKER),
        UserAccountName("Parked", f"Again{MARKER}"),
    )
    key = await probe.keys.find(account_id)
    assert key is not None
    item = to_journal_item(skipping, key)
    await probe.client.put_item(TableName=probe.settings.journal_table_name, Item=item)

    async def parked() -> bool:
        return any(row["aggregate_id"] == account_id for row in await probe.dead_letters())

    await poll(parked, f"a dead letter of {account_id}")
    await probe.client.delete_item(
        TableName=probe.settings.journal_table_name,
        Key={"pkey": item["pkey"], "skey": item["skey"]},
    )


async def assert_nothing_in_clear_outside_the_read_model(
    probe: Probe, markers: tuple[str, ...]
) -> None:
    needles = tuple(marker.encode() for marker in markers) + tuple(
        marker.lower().encode() for marker in markers
    )
    for table, items in (await probe.every_table()).items():
        assert clear_text_in(attribute_bytes(items), needles) == [], table
    for path in probe.run_files():
        assert clear_text_in(path.read_bytes(), needles) == [], path
    letters = "\n".join(f"{row['record']} {row['error']}" for row in await probe.dead_letters())
    assert clear_text_in(letters.encode(), needles) == [], "dead letters"


async def test_personal_data_is_sealed_and_erasure_leaves_nothing_to_open(
    stack: Stack, probe: Probe
) -> None:
    # Accounts of this version (created, renamed), one with a dead letter, one of the previous.
    accounts: list[str] = []
    for n in range(3):
        made = await graphql(
            stack,
            "command",
            CREATE,
            {
                "i": {
                    "firstName": f"First{MARKER}",
                    "lastName": f"Last{n}",
                    "emailAddress": f"{MARKER.lower()}.{n}@example.com",
                }
            },
        )
        account_id = made["data"]["createUserAccount"]["id"]
        variables = {"i": {"userAccountId": account_id, "firstName": "Renamed", "lastName": MARKER}}
        assert (await graphql(stack, "command", RENAME, variables))["data"]["renameUserAccount"]
        accounts.append(account_id)
    v1_account = (await write_v1_account(probe)).value

    async def all_projected() -> bool:
        answers = [await served(stack, account) for account in [*accounts, v1_account]]
        return all(answer and answer["version"] == 2 for answer in answers)

    await poll(all_projected, "every account in the read model")
    # Once its events are applied (else they would wait behind it), a record the updater parks.
    await park_a_record(probe, accounts[0], version=2)
    assert MARKER in await probe.read_model_text()  # the read model holds them, for queries
    await assert_nothing_in_clear_outside_the_read_model(probe, (MARKER,))
    # The probe finds clear text where there is some: the previous version's items, in the
    # journal and (base64 in its JSON) in the emulator's request journal.
    journal = await probe.scan(probe.settings.journal_table_name)
    assert clear_text_in(attribute_bytes(journal), (V1_MARKER.encode(),))
    emulator_files = [path for path in probe.run_files() if "dynamodb" in path.parts]
    assert any(clear_text_in(path.read_bytes(), (V1_MARKER.encode(),)) for path in emulator_files)
    assert V1_MARKER.encode() not in b"".join(path.read_bytes() for path in emulator_files)
    wrapped_keys = [
        item["wrapped_key"]["B"]
        for item in await probe.scan(probe.settings.key_table_name)
        if item["pkey"]["S"] in accounts
    ]
    assert len(wrapped_keys) == len(accounts)

    for account in [*accounts, v1_account]:
        erased = await graphql(stack, "command", ERASE, {"i": {"userAccountId": account}})
        assert erased["data"]["eraseUserAccount"]["id"] == account, erased

    async def read_model_erased() -> bool:
        rows = await probe.pool.fetch(
            "SELECT id, erased_at FROM user_accounts WHERE id = ANY($1::text[])",
            [*accounts, v1_account],
        )
        return len(rows) == 4 and all(row["erased_at"] is not None for row in rows)

    await poll(read_model_erased, "every row erased")
    await assert_erased(probe, [*accounts, v1_account], wrapped_keys)

    # A rebuild of the read model from the journal brings none of it back.
    rebuilt = stack.run("run-single.sh", "admin", "rebuild-read-model")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    await assert_erased(probe, [*accounts, v1_account], wrapped_keys)

    # The same once the stack has stopped and started again (the emulator replays its files).
    down = stack.run("run-single.sh", "down")
    assert down.returncode == 0, down.stdout + down.stderr
    up = stack.run("run-single.sh", "up")
    assert up.returncode == 0, up.stdout + up.stderr
    await assert_erased(probe, [*accounts, v1_account], wrapped_keys)


async def assert_erased(probe: Probe, accounts: list[str], wrapped_keys: list[bytes]) -> None:
    await assert_nothing_in_clear_outside_the_read_model(probe, MARKERS)
    # No means to open what the journal still holds: the wrapped keys are gone, from the table
    # and from every file of the emulator.
    for item in await probe.scan(probe.settings.key_table_name):
        assert item["pkey"]["S"] not in accounts
    needles = tuple(wrapped_keys) + tuple(base64.b64encode(key) for key in wrapped_keys)
    for path in probe.run_files():
        assert [key for key in needles if key in path.read_bytes()] == [], path
    assert [row for row in await probe.dead_letters() if row["aggregate_id"] in accounts] == []
    # The read model keeps only id, version and the erasure time.
    text = await probe.read_model_text()
    assert all(marker not in text for marker in MARKERS)
    for account in accounts:
        assert await served(probe.stack, account) is None
        row = await probe.pool.fetchrow("SELECT * FROM user_accounts WHERE id = $1", account)
        assert row is not None
        kept = {name for name, value in dict(row).items() if value is not None}
        assert kept == {"id", "version", "erased_at"}, kept
    # Replaying the journal gives erased states; no event opens.
    repository = DynamoDbUserAccountRepository(
        probe.client,
        probe.settings.journal_table_name,
        probe.settings.snapshot_table_name,
        snapshot_interval=probe.settings.snapshot_interval,
        data_keys=probe.keys,
    )
    for account in accounts:
        account_id = UserAccountId(account)
        assert isinstance(await repository.load(account_id), ErasedUserAccount)
        items = [
            item
            for item in await probe.scan(probe.settings.journal_table_name)
            if item["aggregate_id"]["S"] == account
        ]
        for item in items:
            event = from_journal_item(item, await probe.keys.find(account))
            assert isinstance(event, ErasedPersonalData) or not hasattr(event, "name"), event
    # Every later command of an erased account is NOT_FOUND.
    for account in accounts:
        again = await graphql(probe.stack, "command", ERASE, {"i": {"userAccountId": account}})
        assert json.dumps(again).count("NOT_FOUND") >= 1, again
