"""What a compaction of the local DynamoDB's journal costs, by the number of live items.

Run: `.venv/bin/python tests/integration/devstack/local_dynamodb_compaction_bench.py [items…]`
(from the repository root). Not collected by pytest: it measures, it does not assert.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aioboto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from interface_adapter.event_store.dynamodb_tables import ensure_tables  # noqa: E402
from tests.integration.devstack.local_dynamodb_bench import (  # noqa: E402
    cpu_seconds,
    wait_ready,
)
from tests.support.ports import free_port  # noqa: E402

DELETES = 5
# About the size of a journal item of an account event (encrypted names, trace context).
PAYLOAD = b"x" * 400


async def measure(endpoint: str, items: int, pid: int) -> tuple[float, float]:
    session = aioboto3.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name="ap-northeast-1"
    )
    config = Config(max_pool_connections=32, retries={"max_attempts": 0}, read_timeout=600)
    async with session.client("dynamodb", endpoint_url=endpoint, config=config) as client:
        await wait_ready(client)
        await ensure_tables(client, "journal", "snapshot")
        counter = iter(range(items))

        async def worker() -> None:
            for number in counter:
                await client.put_item(
                    TableName="journal",
                    Item=_item(f"UserAccount-{number // 5}", number % 5 + 1),
                    ConditionExpression="attribute_not_exists(pkey)",
                )

        await asyncio.gather(*(worker() for _ in range(16)))
        seconds, cpu = [], []
        for number in range(DELETES):
            started, cpu_before = time.perf_counter(), cpu_seconds(pid)
            await client.delete_item(TableName="journal", Key=_key(f"UserAccount-{number}", 1))
            seconds.append(time.perf_counter() - started)
            cpu.append(cpu_seconds(pid) - cpu_before)
        return statistics.median(seconds), statistics.median(cpu)


def _key(pkey: str, seq_nr: int) -> dict[str, Any]:
    return {"pkey": {"S": pkey}, "skey": {"N": str(seq_nr)}}


def _item(pkey: str, seq_nr: int) -> dict[str, Any]:
    return {
        **_key(pkey, seq_nr),
        "event_type": {"S": "UserAccountEvent.Renamed"},
        "event_version": {"N": "2"},
        "payload": {"B": PAYLOAD},
        "correlation_id": {"S": "0" * 32},
        "traceparent": {"S": "00-" + "0" * 32 + "-" + "0" * 16 + "-01"},
    }


def main() -> None:
    for items in [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000, 50_000]:
        with tempfile.TemporaryDirectory() as data_dir:
            port = free_port()
            command = [sys.executable, "-m", "devstack.local_dynamodb", "--port", str(port)]
            command += ["--data-dir", data_dir]
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                seconds, cpu = asyncio.run(measure(f"http://127.0.0.1:{port}", items, process.pid))
                size = (Path(data_dir) / "requests.jsonl").stat().st_size
            finally:
                process.terminate()
                process.wait(30)
            print(
                f"{items:>7} live items ({size / 1e6:6.1f} MB journal): a compacting DeleteItem "
                f"takes {seconds * 1000:7.0f} ms ({cpu * 1000:.0f} ms of server CPU), median of "
                f"{DELETES}"
            )


if __name__ == "__main__":
    main()
