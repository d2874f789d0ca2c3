"""The stack's local DynamoDB keeps its tables across restarts by replaying its request journal."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from devstack.local_dynamodb.journal_file import CorruptJournalError, load_journal
from interface_adapter.event_store.dynamodb_tables import ensure_tables

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[3]
# src/ for infrastructure (settings, logging), the root for devstack itself.
IMPORT_PATH = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
JOURNAL = "journal"
SNAPSHOT = "snapshot"
START_TIMEOUT_SECONDS = 60.0
_CONFIG = Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalDynamoDb:
    """`python -m devstack.local_dynamodb` as a child process, on one port and data dir."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.log_path = data_dir.parent / f"{data_dir.name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._session = aioboto3.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="ap-northeast-1"
        )

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "requests.jsonl"

    def spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "devstack.local_dynamodb", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--data-dir", str(self.data_dir)]
        env = {**os.environ, "PYTHONPATH": IMPORT_PATH, "LOG_FORMAT": "console"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        return self.process

    async def start(self) -> None:
        process = self.spawn()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        async with self.client("dynamodb") as dynamodb:
            while True:
                try:
                    # The readiness probe the stack scripts use.
                    await dynamodb.list_tables()
                    return
                except Exception as error:  # not listening yet: any failure means "not yet"
                    if process.poll() is not None:
                        raise AssertionError(f"server exited:\n{self.log()}") from error
                    if time.monotonic() > deadline:
                        raise AssertionError(f"server not ready:\n{self.log()}") from error
                    await asyncio.sleep(0.05)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(signum)
        code = self.process.wait(30)
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    @asynccontextmanager
    async def client(self, service: str) -> AsyncIterator[Any]:
        async with self._session.client(
            service, endpoint_url=self.endpoint, config=_CONFIG
        ) as client:
            yield client


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LocalDynamoDb]:
    local = LocalDynamoDb(tmp_path / "dynamodb", _free_port())
    await local.start()
    try:
        yield local
    finally:
        if local.process is not None:
            local.process.kill()
            local.process.wait(30)


async def restart(server: LocalDynamoDb, signum: int = signal.SIGTERM) -> None:
    assert server.stop(signum) == (0 if signum == signal.SIGTERM else -signum)
    await server.start()


def _event(pkey: str, seq_nr: int, payload: bytes = b"event") -> dict[str, Any]:
    return {
        "pkey": {"S": pkey},
        "skey": {"N": str(seq_nr)},
        "event_type": {"S": "UserAccountEvent.Created"},
        "payload": {"B": payload},
    }


async def _scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await dynamodb.scan(TableName=table, ConsistentRead=True))[
        "Items"
    ]
    return sorted(items, key=lambda item: (item["pkey"]["S"], item.get("skey", {}).get("N", "")))


async def _stream_from_trim_horizon(server: LocalDynamoDb) -> list[tuple[str, Any, Any]]:
    """(event name, keys, new image) of every record in the journal table's stream."""
    async with server.client("dynamodb") as dynamodb, server.client("dynamodbstreams") as streams:
        arn = (await dynamodb.describe_table(TableName=JOURNAL))["Table"]["LatestStreamArn"]
        shards = (await streams.describe_stream(StreamArn=arn))["StreamDescription"]["Shards"]
        records: list[tuple[str, Any, Any]] = []
        for shard in shards:
            iterator = (
                await streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )
            )["ShardIterator"]
            while iterator:
                answer = await streams.get_records(ShardIterator=iterator, Limit=1000)
                records += [
                    (r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("NewImage"))
                    for r in answer["Records"]
                ]
                if not answer["Records"]:
                    break
                iterator = answer.get("NextShardIterator")
        return records


async def _write_sample_data(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        for seq_nr in (1, 2, 3):
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_event("UserAccount-A", seq_nr, bytes([seq_nr, 0, 255])),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        await dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": JOURNAL,
                        "Item": _event("UserAccount-B", seq_nr),
                        "ConditionExpression": "attribute_not_exists(pkey)",
                    }
                }
                for seq_nr in (1, 2)
            ]
            + [
                {
                    "Put": {
                        "TableName": SNAPSHOT,
                        "Item": {
                            "pkey": {"S": "UserAccount-B"},
                            "seq_nr": {"N": "2"},
                            "payload": {"B": b"snap"},
                        },
                    }
                }
            ]
        )
        await dynamodb.update_item(
            TableName=SNAPSHOT,
            Key={"pkey": {"S": "UserAccount-B"}},
            UpdateExpression="SET seq_nr = :new",
            ConditionExpression="seq_nr < :new",
            ExpressionAttributeValues={":new": {"N": "3"}},
        )
        await dynamodb.delete_item(
            TableName=JOURNAL, Key={"pkey": {"S": "UserAccount-A"}, "skey": {"N": "3"}}
        )


async def _read_everything(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.list_tables()
        await dynamodb.describe_table(TableName=JOURNAL)
        await dynamodb.get_item(
            TableName=JOURNAL, Key={"pkey": {"S": "UserAccount-A"}, "skey": {"N": "1"}}
        )
        await dynamodb.query(
            TableName=JOURNAL,
            KeyConditionExpression="pkey = :p AND skey > :s",
            ExpressionAttributeValues={":p": {"S": "UserAccount-A"}, ":s": {"N": "0"}},
            ConsistentRead=True,
        )
        await dynamodb.batch_get_item(
            RequestItems={SNAPSHOT: {"Keys": [{"pkey": {"S": "UserAccount-B"}}]}}
        )
        await dynamodb.transact_get_items(
            TransactItems=[{"Get": {"TableName": SNAPSHOT, "Key": {"pkey": {"S": "x"}}}}]
        )
        await _scan(dynamodb, SNAPSHOT)
    await _stream_from_trim_horizon(server)


async def test_tables_items_and_stream_survive_a_restart(server: LocalDynamoDb) -> None:
    await _write_sample_data(server)
    async with server.client("dynamodb") as dynamodb:
        journal_before = await _scan(dynamodb, JOURNAL)
        snapshot_before = await _scan(dynamodb, SNAPSHOT)
    stream_before = await _stream_from_trim_horizon(server)
    journal_size = server.journal_file.stat().st_size

    await _read_everything(server)
    assert server.journal_file.stat().st_size == journal_size, "reads must not be journaled"

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert sorted((await dynamodb.list_tables())["TableNames"]) == [JOURNAL, SNAPSHOT]
        assert await _scan(dynamodb, JOURNAL) == journal_before
        assert await _scan(dynamodb, SNAPSHOT) == snapshot_before
        assert [item["skey"]["N"] for item in journal_before] == ["1", "2", "1", "2"]
        assert snapshot_before[0]["seq_nr"] == {"N": "3"}
        with pytest.raises(ClientError) as conflict:
            await dynamodb.put_item(
                TableName=JOURNAL,
                Item=_event("UserAccount-A", 2, b"someone else"),
                ConditionExpression="attribute_not_exists(pkey)",
            )
        assert conflict.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert await _stream_from_trim_horizon(server) == stream_before
    assert [name for name, _, _ in stream_before] == ["INSERT"] * 5 + ["REMOVE"]
    assert "replayed=8" in server.log()


async def test_only_winning_concurrent_writes_are_journaled(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        lines_before = len(server.journal_file.read_bytes().splitlines())

        async def attempt(key: int, writer: int) -> str:
            try:
                await dynamodb.put_item(
                    TableName=JOURNAL,
                    Item=_event(f"UserAccount-{key}", 1, f"writer {writer}".encode()),
                    ConditionExpression="attribute_not_exists(pkey)",
                )
            except ClientError as error:
                return str(error.response["Error"]["Code"])
            return "written"

        outcomes = await asyncio.gather(*(attempt(k, w) for k in range(12) for w in range(3)))
        assert sorted(set(outcomes)) == ["ConditionalCheckFailedException", "written"]
        assert outcomes.count("written") == 12
        winners = await _scan(dynamodb, JOURNAL)
    assert len(server.journal_file.read_bytes().splitlines()) == lines_before + 12

    await restart(server)

    async with server.client("dynamodb") as dynamodb:
        assert await _scan(dynamodb, JOURNAL) == winners


async def test_a_put_acknowledged_before_a_kill_is_kept(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        await asyncio.gather(
            *(
                dynamodb.put_item(TableName=JOURNAL, Item=_event(f"UserAccount-{n}", 1))
                for n in range(20)
            )
        )

    await restart(server, signal.SIGKILL)

    async with server.client("dynamodb") as dynamodb:
        assert len(await _scan(dynamodb, JOURNAL)) == 20


async def test_a_torn_last_line_is_ignored_and_cut_off(server: LocalDynamoDb) -> None:
    async with server.client("dynamodb") as dynamodb:
        await ensure_tables(dynamodb, JOURNAL, SNAPSHOT)
        await dynamodb.put_item(TableName=JOURNAL, Item=_event("UserAccount-A", 1))
    assert server.stop() == 0
    with server.journal_file.open("ab") as journal:
        journal.write(b'{"target":"DynamoDB_20120810.PutItem","path":"/","reg')

    await server.start()

    assert "ignoring a torn last line" in server.log()
    async with server.client("dynamodb") as dynamodb:
        await dynamodb.put_item(TableName=JOURNAL, Item=_event("UserAccount-A", 2))
    await restart(server)
    async with server.client("dynamodb") as dynamodb:
        assert [item["skey"]["N"] for item in await _scan(dynamodb, JOURNAL)] == ["1", "2"]


_LINE = b'{"target":"DynamoDB_20120810.PutItem","path":"/","region":null,"headers":{},"body":"{}"}'


@pytest.mark.parametrize(
    ("content", "kept", "left"),
    [
        (_LINE + b"\n" + _LINE, 1, _LINE + b"\n"),
        (_LINE + b"\n" + _LINE[:30] + b"\n", 1, _LINE + b"\n"),
        (_LINE + b"\n" + _LINE + b"\n\0\0\0\0", 2, _LINE + b"\n" + _LINE + b"\n"),
        (_LINE + b"\n", 1, _LINE + b"\n"),
    ],
)
def test_only_the_torn_tail_of_the_journal_file_is_cut(
    tmp_path: Path, content: bytes, kept: int, left: bytes
) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(content)
    assert len(load_journal(path)) == kept
    assert path.read_bytes() == left


def test_damage_before_the_last_line_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(_LINE + b"\n" + _LINE[:30] + b"\n" + _LINE + b"\n")
    with pytest.raises(CorruptJournalError, match="line 2"):
        load_journal(path)
    assert path.read_bytes().count(b"\n") == 3


async def test_a_taken_port_is_reported_with_the_variable_to_change(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        local = LocalDynamoDb(tmp_path / "dynamodb", taken.getsockname()[1])
        code = local.spawn().wait(START_TIMEOUT_SECONDS)
    assert code != 0
    assert f"port {local.port} on 127.0.0.1 is already in use" in local.log()
    assert "DYNAMODB_ENDPOINT_URL" in local.log()
