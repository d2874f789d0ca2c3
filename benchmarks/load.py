"""The HTTP load client: `wrk` with a Lua script when installed, else a Python aiohttp client.

Both are closed-loop (each connection sends its next request when the previous one is answered),
loopback only, and bounded in requests and in time. Bodies come from a list; each request takes
one at random, with `__N__` in it replaced by a number no other request of the load gets (a rename
to a name never used before, say). With tokens, each request carries one as a bearer token. An
answer counts as failed unless it is HTTP 200 without GraphQL `errors`.
"""

import asyncio
import itertools
import json
import math
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

LUA_SCRIPT = Path(__file__).resolve().parent / "lua" / "graphql.lua"
# In a body, replaced by a number unique within the load (as the Lua script does).
NUMBER_PLACEHOLDER = b"__N__"


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    failed: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    client: str
    p999_ms: float = math.nan

    @property
    def rate(self) -> float:
        """Answered requests per second, failed ones excluded."""
        return (self.requests - self.failed) / self.seconds if self.seconds > 0 else 0.0

    def as_details(self) -> dict[str, float | int | str]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "failed": self.failed,
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "p999_ms": round(self.p999_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "client": self.client,
        }


def wrk_path() -> str | None:
    return shutil.which("wrk")


def client_name() -> str:
    path = wrk_path()
    if path is None:
        return "python-aiohttp"
    version = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    first_line = (version.stdout or version.stderr).splitlines()[:1]
    return first_line[0].split(" [")[0] if first_line else "wrk"


async def http_load(
    url: str,
    bodies: Sequence[str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    tokens: Sequence[str] = (),
) -> LoadResult:
    """POST `bodies` (JSON strings) to `url` from `connections` connections for `seconds`, or
    until `max_requests` are answered, whichever comes first. With `tokens`, every request
    carries one as `Authorization: Bearer` (the Python client: one per connection; wrk: in turn,
    as its script cannot tell connections apart)."""
    if wrk_path() is not None:
        return await _wrk_load(url, bodies, connections, seconds, max_requests, tokens)
    return await _python_load(url, bodies, connections, seconds, max_requests, tokens)


async def _wrk_load(
    url: str,
    bodies: Sequence[str],
    connections: int,
    seconds: float,
    max_requests: int,
    tokens: Sequence[str],
) -> LoadResult:
    threads = 1  # one core serves; the other runs the client (one wrk thread outpaces the server)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
        file.write("\n".join(body.replace("\n", " ") for body in bodies) + "\n")
        bodies_path = file.name
    tokens_path = None
    if tokens:
        with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as file:
            file.write("\n".join(tokens) + "\n")
            tokens_path = file.name
    try:
        argv = [
            str(wrk_path()),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            url,
            "--",
            bodies_path,
            str(max(1, max_requests // threads)),
            *([tokens_path] if tokens_path else []),
        ]
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
    finally:
        for path in (bodies_path, tokens_path):
            if path is not None:
                await asyncio.to_thread(Path(path).unlink, missing_ok=True)
    text = output.decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            return LoadResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                failed=data["failed"] + data["socket_errors"],
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                p999_ms=data["p999_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                client=client_name(),
            )
    raise RuntimeError(f"wrk printed no result (exit {process.returncode}):\n{text[-2000:]}")


async def _python_load(
    url: str,
    bodies: Sequence[str],
    connections: int,
    seconds: float,
    max_requests: int,
    tokens: Sequence[str],
) -> LoadResult:
    latencies: list[float] = []
    failed = 0
    sent = 0
    encoded = [body.encode() for body in bodies]
    sequence = itertools.count(1)
    connector = aiohttp.TCPConnector(limit=connections)
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(session: aiohttp.ClientSession, headers: dict[str, str]) -> None:
        nonlocal failed, sent
        while sent < max_requests and time.perf_counter() < deadline:
            sent += 1
            begin = time.perf_counter()
            try:
                body = numbered(random.choice(encoded), sequence)
                async with session.post(url, data=body, headers=headers) as response:
                    body = await response.read()
                    if response.status != 200 or b'"errors"' in body:
                        failed += 1
            except aiohttp.ClientError:
                failed += 1
            latencies.append(time.perf_counter() - begin)

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(
            *(worker(session, request_headers(tokens, n)) for n in range(connections))
        )
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(fraction: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1000

    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        failed=failed,
        p50_ms=percentile(0.50),
        p99_ms=percentile(0.99),
        p999_ms=percentile(0.999),
        max_ms=latencies[-1] * 1000 if latencies else float("nan"),
        client="python-aiohttp",
    )


def request_headers(tokens: Sequence[str], connection: int) -> dict[str, str]:
    """The headers of the `connection`-th connection's requests: its own token, when there are
    tokens (taken in turn when there are fewer tokens than connections)."""
    headers = {"Content-Type": "application/json"}
    if tokens:
        headers["Authorization"] = f"Bearer {tokens[connection % len(tokens)]}"
    return headers


def numbered(body: bytes, sequence: Iterator[int]) -> bytes:
    """`body` with `__N__` replaced by the next number of `sequence` (written "1 <n>", as the
    Lua script writes "<thread> <n>"); a body without it as it is."""
    if NUMBER_PLACEHOLDER not in body:
        return body
    return body.replace(NUMBER_PLACEHOLDER, b"1 %d" % next(sequence))


def total_load(rounds: Sequence[LoadResult]) -> LoadResult:
    """The rounds of a load taken as one measurement: p50 the mean, p99, p99.9 and max the
    worst."""
    return LoadResult(
        requests=sum(r.requests for r in rounds),
        seconds=sum(r.seconds for r in rounds),
        failed=sum(r.failed for r in rounds),
        p50_ms=sum(r.p50_ms for r in rounds) / len(rounds),
        p99_ms=max(r.p99_ms for r in rounds),
        p999_ms=max(r.p999_ms for r in rounds),
        max_ms=max(r.max_ms for r in rounds),
        client=rounds[0].client,
    )
