"""The soak's mix: creates, renames, deletes and erasures by several owners, each followed by
reads of its own write until the Query API shows it (the lag), and an admin's lists and
searches. Renames, deletes and erasures go to the caller's own accounts, one command per
account at a time, so that no answer but success is expected."""

import asyncio
import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from benchmarks.soak.records import LagRecord, OperationRecord, RequestRecord
from tests.support.command_client import CREATE, DELETE, RENAME

ERASE = (
    "mutation($input: EraseUserAccountInput!) { eraseUserAccount(input: $input) { id version } }"
)
GET = "query($id: String!) { getUserAccount(userAccountId: $id) { id version } }"
LIST = "query($first: Int) { getUserAccounts(first: $first) { id version } }"
SEARCH = "query($term: String!) { searchUserAccounts(searchTerm: $term, first: 20) { id } }"

# The mix, as shares of the operations (a command without an account to go to is a create).
MIX = (
    ("create", 0.20),
    ("rename", 0.40),
    ("delete", 0.05),
    ("erase", 0.05),
    ("list", 0.15),
    ("search", 0.15),
)
POLL_SECONDS = 0.02
# A write the Query API has not shown after this long counts as an error (never visible).
VISIBLE_WITHIN_SECONDS = 20.0
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Acknowledged:
    kind: str
    account_id: str
    version: int


@dataclass(slots=True)
class Recording:
    """The records of one phase (the ramp, the soak), timed from `origin` (monotonic)."""

    origin: float = field(default_factory=time.monotonic)
    operations: list[OperationRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    lags: list[LagRecord] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.origin


@dataclass(slots=True)
class Owner:
    token: str
    live: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class Workload:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        command_url: str,
        query_url: str,
        user_tokens: list[str],
        admin_token: str,
        rng: random.Random,
    ) -> None:
        self._session = session
        self._command = f"{command_url}/api/graphql"
        self._query = f"{query_url}/api/graphql"
        self._owners = [Owner(token) for token in user_tokens]
        self._admin = admin_token
        self._rng = rng
        self._numbers = itertools.count(1)
        self.recording = Recording()
        self.acknowledged: list[Acknowledged] = []

    def pick(self) -> str:
        draw = self._rng.random()
        for kind, share in MIX:
            if draw < share:
                return kind
            draw -= share
        return MIX[-1][0]

    async def one(self) -> None:
        """One operation of the mix, its reads of its own write included."""
        recording = self.recording
        kind = self.pick()
        owner = self._rng.choice(self._owners)
        if kind in ("list", "search"):
            await self._admin_read(kind)
        elif kind == "create" or not owner.live:
            kind = "create"
            await self._create(owner)
        elif kind == "rename":
            await self._rename(owner)
        elif kind == "delete":
            await self._delete(owner)
        else:
            await self._erase(owner)
        recording.operations.append(OperationRecord(recording.now(), kind))

    async def _create(self, owner: Owner) -> None:
        number = next(self._numbers)
        variables = {
            "firstName": f"Soak{number}",
            "lastName": "Runner",
            "emailAddress": f"soak{number}@example.com",
        }
        result = await self._command_call("create", owner.token, CREATE, variables)
        if result is not None:
            account_id, version = result
            await self._read_own_write(owner.token, account_id, version, "create")
            owner.live.append(account_id)

    async def _rename(self, owner: Owner) -> None:
        account_id = owner.live.pop(self._rng.randrange(len(owner.live)))
        number = next(self._numbers)
        variables = {
            "userAccountId": account_id,
            "firstName": f"Soak{number}",
            "lastName": "Renamed",
        }
        result = await self._command_call("rename", owner.token, RENAME, variables)
        if result is not None:
            await self._read_own_write(owner.token, account_id, result[1], "rename")
            owner.live.append(account_id)
        # A failed command's account gets no further command (its state is not known).

    async def _delete(self, owner: Owner) -> None:
        account_id = owner.live.pop(self._rng.randrange(len(owner.live)))
        variables = {"userAccountId": account_id}
        result = await self._command_call("delete", owner.token, DELETE, variables)
        if result is not None:
            await self._read_own_write(owner.token, account_id, None, "delete")
            owner.deleted.append(account_id)

    async def _erase(self, owner: Owner) -> None:
        # Half of the erasures go to deleted accounts (allowed, deleted or not: SPEC §9.4).
        from_deleted = bool(owner.deleted) and self._rng.random() < 0.5
        pool = owner.deleted if from_deleted else owner.live
        account_id = pool.pop(self._rng.randrange(len(pool)))
        variables = {"userAccountId": account_id}
        result = await self._command_call("erase", owner.token, ERASE, variables)
        if result is not None and not from_deleted:
            # A deleted account is absent already: no lag to see.
            await self._read_own_write(owner.token, account_id, None, "erase")

    async def _admin_read(self, kind: str) -> None:
        if kind == "list":
            await self._call(self._query, "list", self._admin, LIST, {"first": 20})
        else:
            term = f"Soak{self._rng.randrange(10, 100)}"
            await self._call(self._query, "search", self._admin, SEARCH, {"term": term})

    async def _command_call(
        self, kind: str, token: str, query: str, variables: dict[str, Any]
    ) -> tuple[str, int] | None:
        data = await self._call(self._command, kind, token, query, {"input": variables})
        if data is None:
            return None
        [result] = data.values()
        self.acknowledged.append(Acknowledged(kind, result["id"], result["version"]))
        return result["id"], result["version"]

    async def _read_own_write(
        self, token: str, account_id: str, version: int | None, kind: str
    ) -> None:
        """Until the owner's getUserAccount shows `version` (None: shows no account)."""
        recording = self.recording
        acknowledged_at = time.monotonic()
        while True:
            data = await self._call(self._query, "get", token, GET, {"id": account_id})
            now = time.monotonic()
            if data is not None:
                account = data["getUserAccount"]
                if (
                    (account is None)
                    if version is None
                    else (account is not None and account["version"] >= version)
                ):
                    recording.lags.append(LagRecord(recording.now(), kind, now - acknowledged_at))
                    return
            if now - acknowledged_at > VISIBLE_WITHIN_SECONDS:
                lag = LagRecord(recording.now(), kind, now - acknowledged_at, visible=False)
                recording.lags.append(lag)
                return
            await asyncio.sleep(POLL_SECONDS)

    async def _call(
        self, url: str, kind: str, token: str, query: str, variables: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The answer's data, or None after recording why it is not one."""
        recording = self.recording
        started = time.monotonic()
        error: str | None = None
        data: dict[str, Any] | None = None
        try:
            async with self._session.post(
                url,
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
            ) as response:
                answer = await response.json(content_type=None)
                if response.status != 200:
                    error = f"HTTP {response.status}"
                elif answer.get("errors"):
                    error = str(answer["errors"][0].get("extensions", {}).get("code", "ERROR"))
                else:
                    data = answer["data"]
        except TimeoutError:
            error = "TIMEOUT"
        except (aiohttp.ClientError, ValueError) as failure:
            error = type(failure).__name__
        seconds = time.monotonic() - started
        recording.requests.append(RequestRecord(recording.now(), kind, seconds, error))
        return data
