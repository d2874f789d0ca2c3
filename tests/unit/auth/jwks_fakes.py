"""A JWKS source held in memory, whose document a test changes (rotation) or breaks (outage)."""

import asyncio
from typing import Any

from infrastructure.auth import JwksUnavailableError


class JwksInMemory:
    def __init__(self, document: object) -> None:
        self.document = document
        self.down = False
        self.calls = 0
        # When set, a fetch waits for it: concurrent requests pile up behind one fetch.
        self.gate: asyncio.Event | None = None

    async def fetch(self) -> Any:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.down:
            raise JwksUnavailableError("down for the test")
        return self.document
