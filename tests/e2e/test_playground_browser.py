"""The playground in a real browser: GraphiQL renders from the app alone and runs a mutation.

The Command API runs as its own process (`python -m apps.command_api --in-memory`); headless
Chromium loads the page, runs a mutation through the IDE and shows the answer, and no request
leaves the app's origin.
"""

import asyncio
import base64
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.support.chromium import CdpSession, ChromiumMissingError, headless_chromium
from tests.support.moto_server import free_port

pytestmark = pytest.mark.e2e

SRC = Path(__file__).resolve().parents[2] / "src"
SERVICE_START_SECONDS = 30.0
IDE_RENDER_SECONDS = 30.0

MUTATION = """mutation {
  createUserAccount(
    input: {firstName: "Ada", lastName: "Lovelace", emailAddress: "ada@example.com"}
  ) {
    id
    version
  }
}"""

# Evaluated by the browser before any script of the page: records what the page's CSP blocked.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE_EDITOR = ".graphiql-response .CodeMirror"
EXECUTE_BUTTON = ".graphiql-execute-button"
SETTINGS_BUTTON = '[aria-label="Open settings dialog"]'


@pytest.fixture(scope="module")
async def command_api_url() -> AsyncIterator[str]:
    """The base URL of a Command API process in in-memory mode, on a free port."""
    port = free_port()
    env = dict(
        os.environ,
        COMMAND_API_HOST="127.0.0.1",
        COMMAND_API_PORT=str(port),
        PYTHONPATH=str(SRC),
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "apps.command_api",
        "--in-memory",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_healthy(base_url, process)
        yield base_url
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_until_healthy(base_url: str, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SERVICE_START_SECONDS
    async with aiohttp.ClientSession() as session:
        while True:
            assert process.returncode is None, "the Command API exited during start-up"
            try:
                async with session.get(f"{base_url}/api/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            assert loop.time() < deadline, "the Command API did not start"
            await asyncio.sleep(0.1)


@pytest.fixture
async def browser() -> AsyncIterator[CdpSession]:
    """A CDP session on a fresh headless Chromium; a missing browser fails the test."""
    try:
        async with headless_chromium() as session:
            for domain in ("Network", "Page", "Runtime"):
                await session.send(f"{domain}.enable")
            await session.send(
                "Page.addScriptToEvaluateOnNewDocument", source=RECORD_CSP_VIOLATIONS
            )
            yield session
    except ChromiumMissingError as missing:
        pytest.fail(str(missing))


async def _run_through_the_ide(browser: CdpSession, url: str, query: str) -> Any:
    """Open the IDE at `url`, put `query` in its editor, press Run: the result pane's JSON."""
    await browser.send("Page.navigate", url=url)
    await browser.wait_for_event("Page.loadEventFired")
    # GraphiQL has rendered once its query editor (CodeMirror) and run button exist.
    await browser.wait_for(
        f"!!document.querySelector({QUERY_EDITOR!r})?.CodeMirror"
        f" && !!document.querySelector({EXECUTE_BUTTON!r})"
    )
    await browser.evaluate(
        f"document.querySelector({QUERY_EDITOR!r}).CodeMirror.setValue({json.dumps(query)})"
    )
    await browser.click(EXECUTE_BUTTON)
    text = await browser.wait_for(
        f"document.querySelector({RESPONSE_EDITOR!r})?.CodeMirror.getValue() ?? ''",
        predicate=lambda value: '"data"' in value or '"errors"' in value,
    )
    return json.loads(text)


def _off_origin_requests(browser: CdpSession, origin_url: str) -> list[str]:
    """URLs the page asked for elsewhere than `origin_url`'s host (data: URLs are inline)."""
    origin = urlsplit(origin_url).netloc
    return [
        url
        for url in (
            event["request"]["url"] for event in browser.events_named("Network.requestWillBeSent")
        )
        if urlsplit(url).scheme != "data" and urlsplit(url).netloc != origin
    ]


@pytest.mark.parametrize("path", ["/api/playground", "/api/graphql"])
async def test_the_ide_runs_a_mutation_with_nothing_from_another_host(
    command_api_url: str, browser: CdpSession, path: str, tmp_path: Path
) -> None:
    try:
        async with asyncio.timeout(IDE_RENDER_SECONDS):
            answer = await _run_through_the_ide(browser, command_api_url + path, MUTATION)
            screenshot = await browser.send("Page.captureScreenshot", format="png")
            (tmp_path / "playground.png").write_bytes(base64.b64decode(screenshot["data"]))
            # A dialog adds a <style> element at run time: the CSP must let it apply (nonce).
            await browser.click(SETTINGS_BUTTON)
            await browser.wait_for("!!document.querySelector('[role=dialog]')")
    except TimeoutError:
        pytest.fail(
            f"GraphiQL did not run the mutation within {IDE_RENDER_SECONDS} s; requests to other"
            f" hosts: {_off_origin_requests(browser, command_api_url)}; CSP violations:"
            f" {await browser.evaluate('window.__cspViolations')}"
        )

    created = answer["data"]["createUserAccount"]
    assert created["version"] == 1
    assert len(created["id"]) == 26  # a ULID
    assert await browser.evaluate("window.__cspViolations") == []
    assert _off_origin_requests(browser, command_api_url) == []

    requests = [event["request"] for event in browser.events_named("Network.requestWillBeSent")]
    scripts = [r["url"] for r in requests if urlsplit(r["url"]).path.endswith(".js")]
    assert len(scripts) == 4  # React, ReactDOM, GraphiQL and ours, all served by the app
    posts = [r for r in requests if r["method"] == "POST"]
    assert posts, "the IDE sent no request to the API"
    for post in posts:
        assert urlsplit(post["url"]).path == "/api/graphql"
        assert post["headers"]["content-type"] == "application/json"

    statuses = {
        urlsplit(response["url"]).path: response["status"]
        for response in (
            event["response"] for event in browser.events_named("Network.responseReceived")
        )
    }
    assert statuses[path] == 200
    assert all(status == 200 for status in statuses.values()), statuses
