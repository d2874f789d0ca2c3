"""The soak's own local stack: run-single.sh on free ports with its own run directory,
`up --auth` (AUTH_MODE=jwt), tokens of its local issuer, and `down` whatever happens."""

import asyncio
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks.services import REPO_ROOT, free_port
from benchmarks.soak.sampler import Ports
from devstack.local_issuer import ensure_keys, mint_token

RUN_SINGLE = REPO_ROOT / "scripts" / "run-single.sh"
# What scripts/soak.sh reads to stop a stack this process could not stop itself.
ENV_FILE = "soak-stack.env"
SCRIPT_TIMEOUT_SECONDS = 600
# The caller's settings that would change the stack (another database, KMS, their tokens).
_DROPPED = ("DATABASE_URL", "PYTHONPATH", "KMS_KEY_ID", "LOCAL_KEK_FILE")
_DROPPED_PREFIXES = ("PYTEST", "AUTH_", "E2E_")


@dataclass(slots=True)
class SoakStack:
    run_dir: Path
    env: dict[str, str]

    @staticmethod
    def on_free_ports(run_dir: Path) -> "SoakStack":
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _DROPPED and not key.startswith(_DROPPED_PREFIXES)
        }
        env.update(
            PCQRSES_RUN_DIR=str(run_dir),
            COMMAND_API_PORT=str(free_port()),
            QUERY_API_PORT=str(free_port()),
            UPDATER_HTTP_PORT=str(free_port()),
            LOCAL_POSTGRES_PORT=str(free_port()),
            DYNAMODB_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
        )
        return SoakStack(run_dir, env)

    def url(self, service: str) -> str:
        port = {
            "command-api": "COMMAND_API_PORT",
            "query-api": "QUERY_API_PORT",
            "read-model-updater": "UPDATER_HTTP_PORT",
        }[service]
        return f"http://127.0.0.1:{self.env[port]}"

    def ports(self) -> dict[str, Ports]:
        """Each server's own port and those of the stores (DynamoDB, PostgreSQL)."""
        dynamodb = int(self.dynamodb_url.rsplit(":", 1)[1])
        stores = frozenset({dynamodb, int(self.env["LOCAL_POSTGRES_PORT"])})
        return {
            "command-api": Ports(int(self.env["COMMAND_API_PORT"]), stores),
            "query-api": Ports(int(self.env["QUERY_API_PORT"]), stores),
            "read-model-updater": Ports(int(self.env["UPDATER_HTTP_PORT"]), stores),
            "dynamodb": Ports(dynamodb, frozenset()),
        }

    @property
    def dynamodb_url(self) -> str:
        return self.env["DYNAMODB_ENDPOINT_URL"]

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.env['LOCAL_POSTGRES_PORT']}/pcqrses"

    @property
    def kek_file(self) -> Path:
        return self.run_dir / "keys" / "key-encryption-key"

    def _script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(RUN_SINGLE), *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_SECONDS,
            check=False,
        )

    async def up(self) -> None:
        """A fresh stack (what an earlier soak left is deleted first); raises with the
        script's output when it does not come up."""
        if self.run_dir.exists():
            shutil.rmtree(self.run_dir)
        self.run_dir.mkdir(parents=True)
        lines = [f"{key}={self.env[key]}" for key in _STACK_KEYS]
        (self.run_dir.parent / ENV_FILE).write_text("\n".join(lines) + "\n")
        result = await asyncio.to_thread(self._script, "up", "--auth")
        if result.returncode != 0:
            raise RuntimeError(f"run-single.sh up --auth failed:\n{result.stdout}{result.stderr}")

    def down(self, keep_logs: Path) -> bool:
        """Stops every process of the stack (synchronously: it runs on the way out, after
        Ctrl-C too); keeps its logs in `keep_logs`, deletes its data. True when it stopped."""
        result = self._script("down")
        logs = self.run_dir / "logs"
        if logs.exists():
            shutil.rmtree(keep_logs, ignore_errors=True)
            shutil.copytree(logs, keep_logs)
        stopped = result.returncode == 0 and not self.running_pids()
        if stopped:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            (self.run_dir.parent / ENV_FILE).unlink(missing_ok=True)
        return stopped

    def pids(self) -> dict[str, int]:
        """The pid of each service, by name (PostgreSQL's postmaster as `postgres`)."""
        pids: dict[str, int] = {}
        for file in sorted((self.run_dir / "pids").glob("*.pid")):
            text = file.read_text().strip()
            if text:
                pids[file.stem] = int(text)
        postmaster = self.run_dir / "postgres" / "data" / "postmaster.pid"
        if postmaster.exists():
            pids["postgres"] = int(postmaster.read_text().splitlines()[0])
        return pids

    def running_pids(self) -> list[int]:
        return [pid for pid in self.pids().values() if _alive(pid)]

    def tokens(self, subjects: list[str], seconds: float) -> tuple[list[str], str]:
        """A token for each subject and an admin's, valid for `seconds` (and an hour more)."""
        keys = ensure_keys(self.run_dir / "auth")
        lifetime = int(seconds) + 3600
        users = [mint_token(keys, subject=s, expires_in=lifetime) for s in subjects]
        admin = mint_token(keys, subject="soak-admin", admin=True, expires_in=lifetime)
        return users, admin


_STACK_KEYS = (
    "PCQRSES_RUN_DIR",
    "COMMAND_API_PORT",
    "QUERY_API_PORT",
    "UPDATER_HTTP_PORT",
    "LOCAL_POSTGRES_PORT",
    "DYNAMODB_ENDPOINT_URL",
)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
