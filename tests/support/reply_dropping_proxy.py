"""A TCP proxy in front of DynamoDB that can lose the reply of a write that landed.

Armed with `drop_next(n)`, it forwards each of the next `n` PutItem requests, lets the server
apply it, and then closes the client's connection instead of relaying the answer: what a network
failure after the write does. The SDK then sends the request again.
"""

import asyncio
import contextlib

from tests.support.ports import free_port

_PUT_ITEM = b"DynamoDB_20120810.PutItem"
_CHUNK = 65536


class ReplyDroppingProxy:
    def __init__(self, upstream_port: int) -> None:
        self._upstream_port = upstream_port
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._to_drop = 0
        self.dropped = 0
        self._server: asyncio.Server | None = None

    def drop_next(self, count: int = 1) -> None:
        self._to_drop += count

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _connection(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self._upstream_port
        )
        # Set while a request whose answer is to be lost is at the server.
        swallow = asyncio.Event()
        try:
            await asyncio.gather(
                self._requests(client_reader, upstream_writer, swallow),
                self._answers(upstream_reader, client_writer, swallow),
            )
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()
                with contextlib.suppress(ConnectionError):
                    await writer.wait_closed()

    async def _requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, swallow: asyncio.Event
    ) -> None:
        while data := await reader.read(_CHUNK):
            if _PUT_ITEM in data and self._to_drop > 0:
                self._to_drop -= 1
                swallow.set()
            writer.write(data)
            await writer.drain()
        writer.close()

    async def _answers(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, swallow: asyncio.Event
    ) -> None:
        while data := await reader.read(_CHUNK):
            if swallow.is_set():
                # The server applied the write and answered: the client never hears of it.
                self.dropped += 1
                raise ConnectionResetError("reply dropped")
            writer.write(data)
            await writer.drain()
        writer.close()
