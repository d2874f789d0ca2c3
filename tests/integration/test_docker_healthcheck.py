"""deploy/docker/healthcheck.py, the image's HEALTHCHECK, against stand-in APIs on free ports."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.ports import free_port

pytestmark = pytest.mark.integration

HEALTHCHECK = Path(__file__).resolve().parents[2] / "deploy" / "docker" / "healthcheck.py"


@pytest.fixture
def api() -> Iterator[tuple[int, list[int]]]:
    """A stand-in API on a free port; append a status to the list to set what it answers."""
    statuses = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code = statuses[-1] if self.path == "/api/health/ready" else 404
            self.send_response(code)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], statuses
    server.shutdown()
    server.server_close()


def check(command_port: int, query_port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(HEALTHCHECK)],
        env={"COMMAND_API_PORT": str(command_port), "QUERY_API_PORT": str(query_port)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("which", ["command", "query"])
def test_healthy_when_the_api_of_the_container_is_ready(
    api: tuple[int, list[int]], which: str
) -> None:
    port, _ = api
    nobody = free_port()
    ports = (port, nobody) if which == "command" else (nobody, port)
    assert check(*ports).returncode == 0


def test_unhealthy_while_the_api_is_not_ready(api: tuple[int, list[int]]) -> None:
    port, statuses = api
    statuses.append(503)
    result = check(port, free_port())
    assert result.returncode == 1
    assert "HTTP 503" in result.stderr


def test_unhealthy_when_nothing_listens() -> None:
    result = check(free_port(), free_port())
    assert result.returncode == 1
    assert "/api/health/ready" in result.stderr
