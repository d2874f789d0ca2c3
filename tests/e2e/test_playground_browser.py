"""The playground in headless Chromium against a Command API process (in-memory): GraphiQL renders
from the app alone, runs a mutation, sends a pasted token as `Authorization: Bearer`, and no request
leaves the app's origin."""

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
from tests.support.ports import free_port

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
    await _ide_rendered(browser)
    return await _run_query(browser, query)


async def _ide_rendered(browser: CdpSession) -> None:
    # GraphiQL has rendered once its query editor (CodeMirror) and run button exist.
    await browser.wait_for(
        f"!!document.querySelector({QUERY_EDITOR!r})?.CodeMirror"
        f" && !!document.querySelector({EXECUTE_BUTTON!r})"
    )


async def _run_query(browser: CdpSession, query: str) -> Any:
    """Put `query` in the open IDE's editor, press Run: the result pane's new JSON."""
    result_pane = f"document.querySelector({RESPONSE_EDITOR!r})?.CodeMirror.getValue() ?? ''"
    before = await browser.evaluate(result_pane)
    await browser.evaluate(
        f"document.querySelector({QUERY_EDITOR!r}).CodeMirror.setValue({json.dumps(query)})"
    )
    await browser.click(EXECUTE_BUTTON)
    text = await browser.wait_for(
        result_pane,
        predicate=lambda value: ('"data"' in value or '"errors"' in value) and value != before,
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


TOKEN_FIELD = "#token"
CLEAR_TOKEN = "#token-clear"
STORED_TOKEN = "sessionStorage.getItem('pcqrses.playground.token')"


def _posts_since(browser: CdpSession, index: int) -> list[dict[str, Any]]:
    """The POST requests the page made after the `index` first requests, with lower-case headers."""
    requests = [event["request"] for event in browser.events_named("Network.requestWillBeSent")]
    return [
        {**request, "headers": {name.lower(): value for name, value in request["headers"].items()}}
        for request in requests[index:]
        if request["method"] == "POST"
    ]


def _request_count(browser: CdpSession) -> int:
    return len(browser.events_named("Network.requestWillBeSent"))


async def test_a_pasted_token_goes_with_the_ides_requests_and_stays_in_the_tab(
    command_api_url: str, browser: CdpSession
) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGF5Z3JvdW5kIn0.c2lnbmVk"  # the shape of a JWT
    url = command_api_url + "/api/playground"
    try:
        async with asyncio.timeout(IDE_RENDER_SECONDS):
            await browser.send("Page.navigate", url=url)
            await browser.wait_for_event("Page.loadEventFired")
            await _ide_rendered(browser)
            before_token = _request_count(browser)
            await _run_query(browser, MUTATION)
            without = _posts_since(browser, before_token)

            # Paste, then leave the field: the schema is fetched again, with the token.
            pasted = _request_count(browser)
            await browser.evaluate(f"document.querySelector({TOKEN_FIELD!r}).focus()")
            await browser.send("Input.insertText", text=f"Bearer {token}")
            await browser.evaluate(f"document.querySelector({TOKEN_FIELD!r}).blur()")
            await browser.wait_for(
                "true",
                predicate=lambda _: any(
                    "IntrospectionQuery" in post.get("postData", "")
                    for post in _posts_since(browser, pasted)
                ),
            )
            answer = await _run_query(browser, MUTATION)
            with_token = _posts_since(browser, pasted)

            # Kept in this tab: a reload shows it again.
            await browser.evaluate("window.__beforeReload = true")
            await browser.send("Page.reload")
            await browser.wait_for(
                f"!window.__beforeReload && !!document.querySelector({TOKEN_FIELD!r})"
            )
            await _ide_rendered(browser)
            after_reload = await browser.evaluate(f"document.querySelector({TOKEN_FIELD!r}).value")
            local_storage = await browser.evaluate("JSON.stringify(localStorage)")

            # Cleared: gone from the field, the tab's storage and the requests.
            await browser.click(CLEAR_TOKEN)
            cleared = _request_count(browser)
            await _run_query(browser, MUTATION)
            after_clear = _posts_since(browser, cleared)
            stored_after_clear = await browser.evaluate(STORED_TOKEN)
    except TimeoutError:
        pytest.fail(
            f"the playground did not finish within {IDE_RENDER_SECONDS} s; CSP violations:"
            f" {await browser.evaluate('window.__cspViolations')}"
        )

    assert without
    assert all("authorization" not in post["headers"] for post in without)
    assert answer["data"]["createUserAccount"]["version"] == 1
    assert with_token
    for post in with_token:
        assert post["headers"]["authorization"] == f"Bearer {token}"
        assert urlsplit(post["url"]).netloc == urlsplit(command_api_url).netloc
        assert token not in post["url"]
    assert after_reload == token  # stored without the "Bearer " it was pasted with
    assert token not in local_storage  # GraphiQL's own storage never sees it
    assert after_clear
    assert all("authorization" not in post["headers"] for post in after_clear)
    assert stored_after_clear is None
    assert await browser.evaluate("window.__cspViolations") == []
    assert _off_origin_requests(browser, command_api_url) == []
