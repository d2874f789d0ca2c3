"""The Query API over HTTP as the fault tests read it: readiness, and one query to check answers."""

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.support.command_client import REQUEST_TIMEOUT_SECONDS, only_clean_error

LIST = "query($first: Int) { getUserAccounts(first: $first) { id version } }"
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { id firstName version } }"
# Words of drivers and stack traces that must never reach a client.
LEAKS = ("asyncpg", "postgres", "psycopg", "botocore", "Traceback", "refused", "Errno", "socket")


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    """An HTTP answer; status 0 when the connection was refused or reset (no answer, no hang)."""

    status: int
    body: dict[str, Any]
    seconds: float

    @property
    def error(self) -> str | None:
        """The code of the answer's only error (asserted clean), or None when it has data."""
        if "errors" not in self.body:
            return None
        return only_clean_error(self.body)


class QueryClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url

    async def ready(self) -> QueryAnswer:
        return await self._request("GET", "/api/health/ready", None)

    async def list_accounts(self, first: int = 5) -> QueryAnswer:
        body = {"query": LIST, "variables": {"first": first}}
        return await self._request("POST", "/api/graphql", body)

    async def get_account(self, account_id: str) -> QueryAnswer:
        body = {"query": GET, "variables": {"id": account_id}}
        return await self._request("POST", "/api/graphql", body)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None) -> QueryAnswer:
        started = time.monotonic()
        try:
            async with self._session.request(
                method,
                f"{self._base_url}{path}",
                json=body,
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
            ) as response:
                text = await response.text()
                status = response.status
        except TimeoutError:
            raise AssertionError(f"{method} {path} hung") from None
        except aiohttp.ClientError as error:
            return QueryAnswer(0, {"failed": type(error).__name__}, time.monotonic() - started)
        if path == "/api/graphql":
            for leak in LEAKS:
                assert leak.lower() not in text.lower(), f"{leak!r} reached the client: {text}"
        return QueryAnswer(status, _json(text), time.monotonic() - started)


def _json(text: str) -> dict[str, Any]:
    loaded = json.loads(text)
    assert isinstance(loaded, dict), text[:500]
    return loaded
