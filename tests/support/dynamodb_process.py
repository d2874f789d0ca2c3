"""A DynamoDB emulator as a subprocess to start, stop and start again: the durable local DynamoDB
of the stack, or a tuned moto (tests.support.tuned_moto_server)."""

import asyncio
import time
from pathlib import Path

from devstack.probe import dynamodb_ok
from tests.support.ports import free_port
from tests.support.service_process import ServiceProcess

START_TIMEOUT_SECONDS = 60.0


class DynamoDbProcess:
    def __init__(self, module: str, args: list[str], port: int) -> None:
        self.port = port
        self.endpoint_url = f"http://127.0.0.1:{port}"
        self.process = ServiceProcess(module, {"LOG_FORMAT": "console"}, args)

    @staticmethod
    def local_dynamodb(data_dir: Path, port: int | None = None) -> "DynamoDbProcess":
        """The stack's durable emulator: what it acknowledged survives a restart (replayed)."""
        port = port or free_port()
        args = ["--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
        return DynamoDbProcess("devstack.local_dynamodb", args, port)

    @staticmethod
    def tuned_moto(port: int | None = None) -> "DynamoDbProcess":
        """moto in memory with atomic writes and a fast Query (tests.support.tuned_moto_server)."""
        port = port or free_port()
        return DynamoDbProcess("tests.support.tuned_moto_server", [str(port)], port)

    async def start(self) -> None:
        """Start and wait until it answers ListTables."""
        self.process.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not await asyncio.to_thread(dynamodb_ok, self.endpoint_url):
            assert self.process.running, f"{self.process.module} exited:\n{self.process.tail()}"
            assert time.monotonic() < deadline, f"{self.endpoint_url}:\n{self.process.tail()}"
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """SIGTERM (what `run-single.sh down` does), and a clean exit."""
        assert await self.process.terminate() == 0, self.process.tail()

    def close(self) -> None:
        self.process.close()
