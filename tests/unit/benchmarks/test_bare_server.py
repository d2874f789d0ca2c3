"""Scenario 1's bare endpoint: its answer, the CPU it spins when asked to, and its arguments."""

import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from benchmarks.bare_server import build_app, handle, main, spinning

pytestmark = pytest.mark.unit

BODY = {"query": "mutation { createUserAccount { id } }"}


async def test_the_spinning_endpoint_answers_as_the_bare_one_after_its_cpu_time() -> None:
    app = build_app([web.post("/bare", handle), web.post("/spinning", spinning(0.02))])
    async with TestClient(TestServer(app)) as client:
        bare = await client.post("/bare", json=BODY)
        started = time.perf_counter()
        spun = await client.post("/spinning", json=BODY)
        took = time.perf_counter() - started
        answers = [(bare.status, await bare.read()), (spun.status, await spun.read())]
        assert answers == [(200, b'{"data":{"ok":true}}')] * 2
        assert took >= 0.02  # spun at least that long, however fast the machine
        refused = await client.post("/spinning", json=["not", "an", "object"])
        assert refused.status == 400


@pytest.mark.parametrize(
    "argv",
    [[], ["port"], ["8080", "fast"], ["8080", "1", "2"], ["8080", "-1"], ["0"], ["8080", "nan"]],
)
def test_bad_arguments_are_refused_with_the_usage_and_exit_status_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert (
        "usage: python -m benchmarks.bare_server PORT [CPU_MICROSECONDS]" in capsys.readouterr().err
    )
