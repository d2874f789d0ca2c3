"""Where an issuer's public keys come from: a JWKS file, or a JWKS URL fetched without blocking
the event loop and within a time bound."""

import asyncio
import json
from pathlib import Path
from typing import Protocol

import aiohttp

# An issuer's JWKS holds a few keys: a megabyte is far more than any holds, and bounds what a
# misbehaving endpoint can make us keep.
MAX_JWKS_BYTES = 1024 * 1024
# A request waiting on the keys waits at most this long; the caller then gets its 401.
JWKS_FETCH_TIMEOUT_SECONDS = 2.0


class JwksUnavailableError(Exception):
    """The keys could not be read or fetched; the message is a short reason for the log."""


class JwksSource(Protocol):
    async def fetch(self) -> object:
        """The JWKS document, decoded from JSON; raises JwksUnavailableError."""
        ...


class JwksFile:
    """A JWKS in a local file, read again on every fetch (in a thread: the loop never waits on
    the disk)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    async def fetch(self) -> object:
        try:
            text = await asyncio.to_thread(self._path.read_bytes)
        except OSError as error:
            raise JwksUnavailableError(f"cannot read the JWKS file ({error.strerror})") from None
        return _decoded(text)


class JwksUrl:
    """A JWKS served over HTTP(S), fetched with the caller's session within `timeout_seconds`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        timeout_seconds: float = JWKS_FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self._session = session
        self._url = url
        self._timeout = timeout_seconds

    async def fetch(self) -> object:
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.get(self._url) as response:
                    if response.status != 200:
                        raise JwksUnavailableError(f"the JWKS URL answered HTTP {response.status}")
                    body = await _bounded_body(response)
        except TimeoutError:
            raise JwksUnavailableError(f"no JWKS within {self._timeout:g} s") from None
        except aiohttp.ClientError as error:
            raise JwksUnavailableError(f"cannot fetch the JWKS ({type(error).__name__})") from None
        return _decoded(body)


async def _bounded_body(response: aiohttp.ClientResponse) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_JWKS_BYTES:
            raise JwksUnavailableError(f"the JWKS is larger than {MAX_JWKS_BYTES} bytes")
    return bytes(body)


def _decoded(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise JwksUnavailableError("the JWKS is not JSON") from None
