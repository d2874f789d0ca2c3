"""Conditional PutItem throughput: the journaling local DynamoDB against plain `moto_server`.

Run: `.venv/bin/python tests/integration/devstack/local_dynamodb_bench.py [requests] [concurrency]`
(from the repository root). Not collected by pytest: it measures, it does not assert.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aioboto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.ports import free_port

REPO = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent


async def wait_ready(client: Any) -> None:
    for _ in range(200):
        try:
            await client.list_tables()
            return
        except Exception:  # the server is still starting: any failure means "not yet"
            await asyncio.sleep(0.05)
    raise TimeoutError("server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: a cost that other load on the machine does not skew."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(endpoint: str, requests: int, concurrency: int, pid: int) -> tuple[float, float]:
    session = aioboto3.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name="ap-northeast-1"
    )
    config = Config(max_pool_connections=concurrency * 2, retries={"max_attempts": 0})
    async with session.client("dynamodb", endpoint_url=endpoint, config=config) as client:
        await wait_ready(client)
        await client.create_table(
            TableName="bench",
            KeySchema=[{"AttributeName": "pkey", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pkey", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        counter = iter(range(requests))
        failures = 0

        async def worker() -> None:
            nonlocal failures
            for number in counter:
                try:
                    await client.put_item(
                        TableName="bench",
                        Item={"pkey": {"S": f"key-{number}"}, "payload": {"B": b"x" * 200}},
                        ConditionExpression="attribute_not_exists(pkey)",
                    )
                except ClientError:
                    failures += 1

        started, cpu_before = time.perf_counter(), cpu_seconds(pid)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu_before
        if failures:
            print(f"  {failures} failures", file=sys.stderr)
        return requests / elapsed, cpu / requests * 1000


def start(kind: str, port: int, data_dir: str) -> subprocess.Popen[bytes]:
    if kind == "plain":
        command = [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    else:
        command = [sys.executable, "-m", "devstack.local_dynamodb", "--port", str(port)]
        command += ["--data-dir", data_dir]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    for kind in ("plain", "journaled", "plain", "journaled"):
        with tempfile.TemporaryDirectory() as data_dir:
            port = free_port()
            process = start(kind, port, data_dir)
            try:
                endpoint = f"http://127.0.0.1:{port}"
                rate, cpu_ms = asyncio.run(measure(endpoint, requests, concurrency, process.pid))
            finally:
                process.terminate()
                process.wait(10)
            print(
                f"{kind:>9}: {rate:7.0f} conditional PutItem/s at {concurrency} concurrent, "
                f"{cpu_ms:.2f} ms of server CPU each"
            )


if __name__ == "__main__":
    main()
