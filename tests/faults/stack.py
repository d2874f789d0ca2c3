"""The services of one fault test: both APIs and the updater as processes on free ports."""

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.support.command_client import CommandClient
from tests.support.data_keys import remember_stack_keys
from tests.support.moto_server import DynamoDbTables
from tests.support.ports import free_port
from tests.support.service_process import ServiceProcess, wait_until_answers
from tests.support.updater_process import FAST_SETTINGS


@dataclass
class FaultStack:
    """Where the stores are, and the service processes started on them (closed by `close`)."""

    dynamodb_endpoint: str
    database_url: str
    tables: DynamoDbTables
    session: aiohttp.ClientSession
    command_port: int = field(default_factory=free_port)
    query_port: int = field(default_factory=free_port)
    processes: list[ServiceProcess] = field(default_factory=list)
    # The services' key-encryption key: the stack's own, never the repository's .run/keys/.
    keys_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fault-keys-")))

    def __post_init__(self) -> None:
        remember_stack_keys(self.tables.journal, self.tables.keys, self.kek_file)

    @property
    def kek_file(self) -> Path:
        return self.keys_dir / "key-encryption-key"

    @property
    def command_url(self) -> str:
        return f"http://127.0.0.1:{self.command_port}"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.query_port}"

    def env(self) -> dict[str, str]:
        return {
            "DYNAMODB_ENDPOINT_URL": self.dynamodb_endpoint,
            "DATABASE_URL": self.database_url,
            "JOURNAL_TABLE_NAME": self.tables.journal,
            "SNAPSHOT_TABLE_NAME": self.tables.snapshot,
            "KEY_TABLE_NAME": self.tables.keys,
            "LOCAL_KEK_FILE": str(self.kek_file),
            "COMMAND_API_PORT": str(self.command_port),
            "QUERY_API_PORT": str(self.query_port),
            "LOG_LEVEL": "INFO",
        }

    def commands(self) -> CommandClient:
        return CommandClient(self.session, self.command_url)

    def command_api(self, **env: str) -> ServiceProcess:
        return self._process("apps.command_api", env)

    def query_api(self, **env: str) -> ServiceProcess:
        return self._process("apps.query_api", env)

    def updater(self, **env: str) -> ServiceProcess:
        own_port = {"UPDATER_HTTP_PORT": str(free_port())}
        return self._process("apps.read_model_updater", {**FAST_SETTINGS, **own_port, **env})

    async def started(self, process: ServiceProcess) -> ServiceProcess:
        """Start `process`; an API is waited for until `/api/health` answers."""
        process.start()
        url = self._health_url(process)
        if url is not None:
            await wait_until_answers(self.session, url, process)
        return process

    def _health_url(self, process: ServiceProcess) -> str | None:
        base = {"apps.command_api": self.command_url, "apps.query_api": self.query_url}
        return None if process.module not in base else f"{base[process.module]}/api/health"

    def _process(self, module: str, env: Mapping[str, str]) -> ServiceProcess:
        process = ServiceProcess(module, {**self.env(), **env})
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in self.processes:
            process.close()
        shutil.rmtree(self.keys_dir, ignore_errors=True)
