"""Send one input to an API and check that its answer is well formed; count every input sent.

Well formed means: JSON with `data` and/or `errors` only; every error a message, optional
locations and path, and `extensions.code` among the codes of SPEC §5 (never INTERNAL_ERROR:
bad input is the client's fault, not a failure); HTTP 400 exactly for BAD_REQUEST, 413 for
PAYLOAD_TOO_LARGE, 200 otherwise; and an answer within TIME_BOUND_SECONDS.
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient

GRAPHQL = "/api/graphql"
# Generous for a loaded 2-core machine: the slowest accepted input answers in well under 1 s.
TIME_BOUND_SECONDS = 10.0

SPEC_CODES = frozenset(
    {
        "VALIDATION_ERROR",
        "NOT_FOUND",
        "ALREADY_DELETED",
        "SAME_NAME",
        "CONCURRENCY_CONFLICT",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "QUERY_TOO_DEEP",
        "QUERY_TOO_COMPLEX",
        "BAD_REQUEST",
        "PAYLOAD_TOO_LARGE",
        "INTERNAL_ERROR",
    }
)
_STATUS_OF_CODE = {"BAD_REQUEST": 400, "PAYLOAD_TOO_LARGE": 413}
_ERROR_KEYS = frozenset({"message", "locations", "path", "extensions"})


class InputCount:
    """How many inputs the suite sent; printed at the end of the run (conftest)."""

    value = 0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def codes(self) -> list[str]:
        return [error["extensions"]["code"] for error in self.body.get("errors", [])]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def succeeded(self) -> bool:
        return "errors" not in self.body


async def send_body(
    client: TestClient[Any, Any],
    body: bytes,
    content_type: str = "application/json",
    *,
    counted: bool = True,
) -> Answer:
    """POST `body` as it is; the answer, checked to be well formed. `counted=False` for what
    a test sends only to set up an input, not as an input."""
    if counted:
        InputCount.value += 1
    async with asyncio.timeout(TIME_BOUND_SECONDS):
        response = await client.post(GRAPHQL, data=body, headers={"Content-Type": content_type})
        raw = await response.read()
    assert response.content_type == "application/json", (response.status, raw[:300])
    answer = Answer(response.status, json.loads(raw))
    check_well_formed(answer)
    return answer


async def send_json(client: TestClient[Any, Any], payload: Any, *, counted: bool = True) -> Answer:
    """POST `payload` as JSON; lone surrogates travel as `\\ud800` escapes, as JSON allows."""
    body = json.dumps(payload, ensure_ascii=True).encode("ascii")
    return await send_body(client, body, counted=counted)


async def send_graphql(
    client: TestClient[Any, Any],
    query: str,
    variables: Any = None,
    *,
    counted: bool = True,
    **more: Any,
) -> Answer:
    payload: dict[str, Any] = {"query": query, **more}
    if variables is not None:
        payload["variables"] = variables
    return await send_json(client, payload, counted=counted)


def check_well_formed(answer: Answer) -> None:
    body = answer.body
    assert isinstance(body, dict), body
    assert body, body
    assert set(body) <= {"data", "errors"}, body
    errors = body.get("errors")
    if errors is None:
        assert answer.status == 200, answer
        assert "data" in body, answer
        return
    assert isinstance(errors, list), body
    assert errors, body
    for error in errors:
        _check_error(error, answer.status)
    if answer.status != 200:
        assert "data" not in body, body


def _check_error(error: Any, status: int) -> None:
    assert isinstance(error, dict), error
    assert set(error) <= _ERROR_KEYS, error
    message = error["message"]
    assert isinstance(message, str), error
    assert message, error
    code = error["extensions"]["code"]
    assert code in SPEC_CODES, error
    assert code != "INTERNAL_ERROR", error
    assert status == _STATUS_OF_CODE.get(code, 200), (status, error)
    for location in error.get("locations", []):
        assert set(location) == {"line", "column"}, error
        assert location["line"] >= 1, error
        assert location["column"] >= 1, error
    assert all(isinstance(step, str | int) for step in error.get("path", [])), error
    if code == "VALIDATION_ERROR":
        messages = error["extensions"]["errors"]
        assert messages, error
        assert all(isinstance(text, str) for text in messages), error
        assert message == ", ".join(messages), error
