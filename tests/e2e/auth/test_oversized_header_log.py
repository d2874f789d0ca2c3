"""A header over aiohttp's limit is refused by aiohttp itself (400): what it logs then names the
error, never the header's text (a token) nor the client's address."""

import asyncio
import logging

import pytest

from tests.e2e.auth.served import ServedCommandApi

pytestmark = pytest.mark.e2e

MARKER = "SECRETTOKENPART"


async def test_an_oversized_authorization_header_is_logged_without_its_text(
    api_with_jwks_file: ServedCommandApi, caplog: pytest.LogCaptureFixture
) -> None:
    header = b"Authorization: Bearer " + MARKER.encode() * 1000
    reader, writer = await asyncio.open_connection("127.0.0.1", api_with_jwks_file.port)
    with caplog.at_level(logging.DEBUG):
        writer.write(b"POST /api/graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + b"\r\n\r\n")
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await asyncio.sleep(0)

    assert answer.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request")
    refused = [r for r in caplog.records if r.getMessage() == "malformed HTTP request refused"]
    assert refused, [r.getMessage() for r in caplog.records]
    assert refused[0].__dict__["status"] == 400
    assert refused[0].levelname == "WARNING"
    for record in caplog.records:
        text = record.getMessage() + (caplog.text or "")
        assert MARKER not in text
        assert "127.0.0.1" not in record.getMessage()
