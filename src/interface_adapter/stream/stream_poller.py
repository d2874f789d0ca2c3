"""The local stand-in for Lambda's event source mapping: follows the journal table's stream.

It finds the table's current stream (waiting while the table or stream does not exist),
reads its shards parents first, and looks again every discovery interval: for new shards, and
for a new stream (a table re-created, or replayed by the local emulator, has a new stream ARN;
checkpoints are keyed by ARN, so the new stream is read from TRIM_HORIZON and applying it again
is harmless: the projection skips what the read model already holds).
"""

import asyncio
import contextlib
import logging
import time

from infrastructure.backoff import sleep_unless_set
from interface_adapter.event_store.dynamodb_client import DynamoDbClient
from interface_adapter.stream.checkpoint_reconciliation import reconcile_checkpoints
from interface_adapter.stream.checkpoint_store import CheckpointStore, ShardCheckpoint, ShardRef
from interface_adapter.stream.poller_options import PollerOptions
from interface_adapter.stream.progress_log import ProgressLog
from interface_adapter.stream.shard_reader import ShardEnd, ShardReader
from interface_adapter.stream.shards import Shard, ready_to_read
from interface_adapter.stream.stream_discovery import (
    StreamGoneError,
    describe_shards,
    latest_stream_arn,
    wait_for_stream_arn,
)
from interface_adapter.stream.streams_client import DynamoDbStreamsClient

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0


class _StreamChangedError(Exception):
    """The table now has another stream (or none)."""


class StreamPoller:
    def __init__(
        self,
        dynamodb: DynamoDbClient,
        streams: DynamoDbStreamsClient,
        checkpoints: CheckpointStore,
        reader: ShardReader,
        progress: ProgressLog,
        table_name: str,
        options: PollerOptions,
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._checkpoints = checkpoints
        self._reader = reader
        self._progress = progress
        self._table_name = table_name
        self._options = options

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the table's stream until `stop` is set; batches in hand are finished first."""
        progress = asyncio.create_task(self._log_progress(stop))
        failures = 0
        try:
            while not stop.is_set():
                stream_arn = await wait_for_stream_arn(
                    self._dynamodb, self._table_name, self._options.retry, stop
                )
                if stream_arn is None:
                    break
                try:
                    await self._follow(stream_arn, stop)
                    failures = 0
                except Exception as error:
                    failures += 1
                    delay = self._options.retry.delay(failures)
                    logger.warning(
                        "cannot follow the stream; retrying",
                        extra={
                            "stream_arn": stream_arn,
                            "retry_in_ms": int(delay * 1000),
                            "error": f"{type(error).__name__}: {error}",
                        },
                    )
                    await sleep_unless_set(stop, delay)
        finally:
            progress.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await progress
            self._progress.flush()

    async def _follow(self, stream_arn: str, stop: asyncio.Event) -> None:
        """Read the stream's shards until a stop, or until the table has another stream.

        Raises StreamGoneError when the stream cannot be read any more: the caller backs off
        before it looks for the table's stream again.
        """
        shards = await describe_shards(self._streams, stream_arn)
        await reconcile_checkpoints(self._checkpoints, self._table_name, stream_arn, shards)
        readers: dict[str, asyncio.Task[ShardEnd]] = {}
        finished: set[str] = set()
        # Set to stop this stream's readers: on a stop, or when the stream is replaced.
        leaving = asyncio.Event()
        stopping = asyncio.create_task(stop.wait())
        discovery_due = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= discovery_due:
                    discovery_due = time.monotonic() + self._options.discovery_interval_seconds
                    try:
                        shards, checkpoints = await self._discover(stream_arn)
                    except _StreamChangedError:
                        return
                    except Exception as error:
                        logger.warning(
                            "shard discovery failed; the readers go on",
                            extra={
                                "stream_arn": stream_arn,
                                "error": f"{type(error).__name__}: {error}",
                            },
                        )
                    else:
                        finished |= {
                            shard_id for shard_id, cp in checkpoints.items() if cp.finished
                        }
                        self._start_readers(
                            stream_arn, shards, checkpoints, finished, readers, leaving
                        )
                timeout = max(discovery_due - time.monotonic(), 0.0)
                done, _ = await asyncio.wait(
                    {stopping, *readers.values()},
                    timeout=timeout,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for shard_id, task in list(readers.items()):
                    if task not in done:
                        continue
                    del readers[shard_id]
                    end = self._reader_end(shard_id, task)
                    if end is ShardEnd.STREAM_GONE:
                        raise StreamGoneError(stream_arn)
                    if end is ShardEnd.FINISHED:
                        finished.add(shard_id)
                        discovery_due = 0.0  # its children can start now
        finally:
            leaving.set()
            stopping.cancel()
            if readers:
                await asyncio.gather(*readers.values(), return_exceptions=True)

    def _start_readers(
        self,
        stream_arn: str,
        shards: list[Shard],
        checkpoints: dict[str, ShardCheckpoint],
        finished: set[str],
        readers: dict[str, "asyncio.Task[ShardEnd]"],
        leaving: asyncio.Event,
    ) -> None:
        for shard in ready_to_read(shards, finished, readers.keys()):
            checkpoint = checkpoints.get(shard.shard_id)
            position = None if checkpoint is None else checkpoint.last_sequence_number
            ref = ShardRef(stream_arn, shard.shard_id, self._table_name, shard.parent_shard_id)
            logger.info(
                "reading shard",
                extra={
                    "shard_id": shard.shard_id,
                    "parent_shard_id": shard.parent_shard_id,
                    "after_sequence_number": position or "TRIM_HORIZON",
                },
            )
            readers[shard.shard_id] = asyncio.create_task(
                self._reader.read(ref, shard, position, leaving)
            )

    @staticmethod
    def _reader_end(shard_id: str, task: "asyncio.Task[ShardEnd]") -> ShardEnd | None:
        try:
            return task.result()
        except Exception:
            # A bug, not an outage (those are retried inside): restart it at the next discovery.
            logger.exception("a shard reader failed", extra={"shard_id": shard_id})
            return None

    async def _discover(self, stream_arn: str) -> tuple[list[Shard], dict[str, ShardCheckpoint]]:
        current = await latest_stream_arn(self._dynamodb, self._table_name)
        if current != stream_arn:
            logger.warning(
                "the journal table has another stream now (re-created or replayed)",
                extra={"stream_arn": stream_arn, "new_stream_arn": current},
            )
            raise _StreamChangedError(stream_arn)
        shards = await describe_shards(self._streams, stream_arn)
        return shards, await self._checkpoints.load(stream_arn)

    async def _log_progress(self, stop: asyncio.Event) -> None:
        while not await sleep_unless_set(stop, PROGRESS_INTERVAL_SECONDS):
            self._progress.flush()
