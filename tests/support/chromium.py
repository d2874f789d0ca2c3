"""Headless Chromium driven over the Chrome DevTools Protocol, with aiohttp's websocket client.

No browser-automation package: the protocol is JSON over one websocket, and Debian's `chromium`
needs nothing downloaded at run time.
"""

import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

START_TIMEOUT_SECONDS = 30.0
COMMAND_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0

# Headless, and silent towards the network: without the background-networking, component-update
# and sync switches Chromium keeps calling Google hosts (unreachable here) on its own.
CHROMIUM_FLAGS = (
    "--headless",
    "--remote-debugging-port=0",
    "--no-sandbox",  # the tests may run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
)


class ChromiumMissingError(RuntimeError):
    """No `chromium` on PATH."""


def chromium_executable() -> str:
    """The path of `chromium`, or ChromiumMissingError with how to install it."""
    path = shutil.which("chromium")
    if path is None:
        raise ChromiumMissingError(
            "chromium is not installed: run `apt-get install -y chromium` (Debian), "
            "or ./scripts/test.sh, which installs it when run as root"
        )
    return path


@dataclass
class CdpSession:
    """One page target: `send` a command and await its result; events are kept in order."""

    websocket: aiohttp.ClientWebSocketResponse
    events: list[dict[str, Any]] = field(default_factory=list)
    _pending: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))
    _event_arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self.websocket.send_json({"id": message_id, "method": method, "params": params})
        return await asyncio.wait_for(future, COMMAND_TIMEOUT_SECONDS)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        reply = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str, predicate: Callable[[Any], bool] = bool) -> Any:
        """Poll `expression` until `predicate(value)` holds, and return that value.

        Unbounded: the caller bounds it (`asyncio.timeout`).
        """
        while True:
            value = await self.evaluate(expression)
            if predicate(value):
                return value
            await asyncio.sleep(0.05)

    async def wait_for_event(self, method: str) -> dict[str, Any]:
        """The first event named `method`, received already or to come (caller bounds it)."""
        while True:
            for event in self.events:
                if event["method"] == method:
                    return event
            self._event_arrived.clear()
            await self._event_arrived.wait()

    def events_named(self, method: str) -> list[dict[str, Any]]:
        return [event["params"] for event in self.events if event["method"] == method]

    async def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the centre of the element `selector`."""
        box = await self.evaluate(
            f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for event_type in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                type=event_type,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    async def read_messages(self) -> None:
        async for message in self.websocket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            payload = message.json()
            if "id" in payload:
                future = self._pending.pop(payload["id"])
                if "error" in payload:
                    future.set_exception(AssertionError(f"CDP error: {payload['error']}"))
                else:
                    future.set_result(payload.get("result", {}))
            else:
                self.events.append(payload)
                self._event_arrived.set()
        for future in self._pending.values():
            future.set_exception(ConnectionError("the DevTools connection closed"))


async def _devtools_port(profile: Path, process: asyncio.subprocess.Process) -> int:
    """The port Chromium chose: it writes it to DevToolsActivePort in the profile once up."""
    port_file = profile / "DevToolsActivePort"
    async with asyncio.timeout(START_TIMEOUT_SECONDS):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"chromium exited with {process.returncode} during start-up")
            if port_file.exists():
                first_line = port_file.read_text().split("\n", 1)[0]
                if first_line.isdigit():
                    return int(first_line)
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def headless_chromium() -> AsyncIterator[CdpSession]:
    """A fresh headless Chromium (own temporary profile) and a CDP session on its blank page."""
    executable = chromium_executable()
    # Helper processes may still be writing to the profile for a moment after the browser exits.
    with tempfile.TemporaryDirectory(
        prefix="chromium-profile-", ignore_cleanup_errors=True
    ) as profile_dir:
        profile = Path(profile_dir)
        process = await asyncio.create_subprocess_exec(
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            # Its own process group: the renderer and helper processes go with it at the end.
            start_new_session=True,
        )
        try:
            port = await _devtools_port(profile, process)
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                    targets = await response.json()
                page = next(target for target in targets if target["type"] == "page")
                async with http.ws_connect(
                    page["webSocketDebuggerUrl"], max_msg_size=0
                ) as websocket:
                    session = CdpSession(websocket)
                    reader = asyncio.create_task(session.read_messages())
                    try:
                        yield session
                    finally:
                        reader.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await reader
        finally:
            await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Stop the browser and every process of its group (ours alone: it was started in it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()
