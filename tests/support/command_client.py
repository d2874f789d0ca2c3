"""Mutations over HTTP to a running Command API, each answer reduced to an outcome to verify."""

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

CREATE = (
    "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id version } }"
)
RENAME = (
    "mutation($input: RenameUserAccountInput!) { renameUserAccount(input: $input) { id version } }"
)
DELETE = (
    "mutation($input: DeleteUserAccountInput!) { deleteUserAccount(input: $input) { id version } }"
)

# What a clean INTERNAL_ERROR says: nothing but a correlation id (SPEC §5).
INTERNAL_MESSAGE = re.compile(r"Internal server error \(correlation id: [0-9A-Za-z-]+\)")
# Bounds a request: an answer must come (the DynamoDB client gives up after ~6 s per call).
REQUEST_TIMEOUT_SECONDS = 40.0
# Failures that reach no GraphQL answer.
CONNECTION_FAILED = "CONNECTION_FAILED"
GATEWAY_TIMEOUT = 504


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """One command and how it ended: acknowledged (`version` set) or failed (`error` set).

    `tag` is the first name a create or rename writes (unique per command), so that its event
    can be found in the journal; a delete's tag is empty.
    """

    kind: str
    account_id: str | None
    tag: str
    version: int | None
    error: str | None
    started_at: float  # time.monotonic() when it was sent
    seconds: float

    @property
    def acknowledged(self) -> bool:
        return self.version is not None


class CommandClient:
    """create / rename / delete against `base_url`; never raises for an answer it got."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._url = f"{base_url}/api/graphql"

    async def create(self, tag: str, last_name: str = "Fault") -> CommandOutcome:
        variables = {"firstName": tag, "lastName": last_name, "emailAddress": f"{tag}@example.com"}
        return await self._send("create", None, tag, CREATE, variables)

    async def rename(self, account_id: str, tag: str, last_name: str = "Fault") -> CommandOutcome:
        variables = {"userAccountId": account_id, "firstName": tag, "lastName": last_name}
        return await self._send("rename", account_id, tag, RENAME, variables)

    async def delete(self, account_id: str) -> CommandOutcome:
        return await self._send("delete", account_id, "", DELETE, {"userAccountId": account_id})

    async def _send(
        self, kind: str, account_id: str | None, tag: str, query: str, variables: dict[str, Any]
    ) -> CommandOutcome:
        started = time.monotonic()
        body = {"query": query, "variables": {"input": variables}}
        try:
            async with self._session.post(
                self._url,
                json=body,
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
            ) as response:
                status = response.status
                text = await response.text()
        except TimeoutError:
            raise AssertionError(
                f"{kind} hung: no answer within {REQUEST_TIMEOUT_SECONDS} s"
            ) from None
        except aiohttp.ClientError as error:
            # Refused or reset: the server is down or going down (no answer, no hang).
            failure = f"{CONNECTION_FAILED}: {type(error).__name__}"
            return CommandOutcome(
                kind, account_id, tag, None, failure, started, time.monotonic() - started
            )
        seconds = time.monotonic() - started
        answer = _json(text)
        if status == GATEWAY_TIMEOUT:
            # The server gave up on a request past its time limit (a clean error whose command
            # may or may not have been applied).
            return CommandOutcome(
                kind, account_id, tag, None, only_clean_error(answer), started, seconds
            )
        assert status == 200, f"{kind}: HTTP {status}: {text[:500]}"
        data = answer.get("data")
        if data:
            [result] = data.values()
            return CommandOutcome(
                kind, result["id"], tag, result["version"], None, started, seconds
            )
        error = only_clean_error(answer)
        return CommandOutcome(kind, account_id, tag, None, error, started, seconds)


def only_clean_error(answer: dict[str, Any]) -> str:
    """The code of the answer's single error, asserting that it tells nothing internal."""
    errors = answer.get("errors")
    assert isinstance(errors, list), answer
    [error] = errors
    code: str = error["extensions"]["code"]
    if code == "INTERNAL_ERROR":
        assert INTERNAL_MESSAGE.fullmatch(error["message"]), error
        assert "data" not in answer or answer["data"] is None, answer
        assert set(error["extensions"]) == {"code", "correlationId"}, error
    return code


def _json(text: str) -> dict[str, Any]:
    loaded = json.loads(text)
    assert isinstance(loaded, dict), text[:500]
    return loaded
