"""Run the newcomer scripts (run-single.sh, test-e2e.sh …) on ports and a data dir of their own."""

import json
import os
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.ports import free_port, free_port_range

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT_TIMEOUT_SECONDS = 600


@dataclass
class Stack:
    """A stack on free ports with its own `.run` directory, so a developer's stack is untouched."""

    run_dir: Path
    env: dict[str, str]

    @staticmethod
    def on_free_ports(run_dir: Path) -> "Stack":
        env = {
            key: value
            for key, value in os.environ.items()
            # The caller's AUTH_*, E2E_* and key settings would change what the scripts do: the
            # tests set them.
            if key not in ("DATABASE_URL", "PYTHONPATH", "KMS_KEY_ID", "LOCAL_KEK_FILE")
            and not key.startswith(("PYTEST", "AUTH_", "E2E_"))
        }
        env.update(
            PCQRSES_RUN_DIR=str(run_dir),
            COMMAND_API_PORT=str(free_port()),
            QUERY_API_PORT=str(free_port()),
            UPDATER_HTTP_PORT=str(free_port()),
            # run-cluster.sh's own ports: metrics of each API node, each updater's listener.
            CLUSTER_METRICS_PORT_BASE=str(free_port_range(61)),
            LOCAL_POSTGRES_PORT=str(free_port()),
            DYNAMODB_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
            E2E_RETRY_DELAY="0.2",
            E2E_MAX_RETRIES="50",
        )
        return Stack(run_dir, env)

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(REPO_ROOT / "scripts" / script), *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_SECONDS,
            check=False,
        )

    def graphql(
        self,
        api: str,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        port = self.env["COMMAND_API_PORT" if api == "command" else "QUERY_API_PORT"]
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    def pids(self) -> list[int]:
        """The pids of every process the stack has recorded (PostgreSQL's postmaster included)."""
        pids = [int(f.read_text()) for f in (self.run_dir / "pids").glob("*.pid") if f.read_text()]
        postmaster = self.run_dir / "postgres" / "data" / "postmaster.pid"
        if postmaster.exists():
            pids.append(int(postmaster.read_text().splitlines()[0]))
        return pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "gone"
