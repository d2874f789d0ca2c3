"""The local stand-in for Lambda's event source mapping: follows the journal table's stream."""

import asyncio
import contextlib
import logging
import math
import time

from infrastructure.backoff import sleep_unless_set
from infrastructure.dynamodb.client import DynamoDbClient, DynamoDbStreamsClient
from infrastructure.stream_consumer.checkpoint_reconciliation import reconcile_checkpoints
from infrastructure.stream_consumer.checkpoint_store import (
    CheckpointStore,
    ShardCheckpoint,
    ShardRef,
)
from infrastructure.stream_consumer.lease_table import LeaseKey
from infrastructure.stream_consumer.poller_options import PollerOptions
from infrastructure.stream_consumer.progress_log import ProgressLog
from infrastructure.stream_consumer.shard_leases import HeldLease, ShardLeases
from infrastructure.stream_consumer.shard_reader import ShardEnd, ShardReader
from infrastructure.stream_consumer.shards import Shard, ready_to_read
from infrastructure.stream_consumer.stream_discovery import (
    StreamGoneError,
    describe_shards,
    latest_stream_arn,
    wait_for_stream_arn,
)

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0


class _StreamChangedError(Exception):
    """The table now has another stream (or none)."""


class StreamPoller:
    """Finds the table's stream, reads its shards, and looks again for new shards and streams.

    It finds the table's current stream (waiting while the table or stream does not exist),
    reads its shards parents first, and looks again every discovery interval: for new shards,
    and for a new stream (a table re-created, or replayed by the local emulator, has a new
    stream ARN; checkpoints are keyed by ARN, so the new stream is read from TRIM_HORIZON and
    applying it again is harmless: the projection skips what the read model already holds).

    With ShardLeases, several pollers (updater processes) can follow one stream: a shard is read
    only by the holder of its lease, and the others stand by and take the lease over when it is
    released or expires (see shard_leases.py).
    """

    def __init__(
        self,
        dynamodb: DynamoDbClient,
        streams: DynamoDbStreamsClient,
        checkpoints: CheckpointStore,
        reader: ShardReader,
        progress: ProgressLog,
        table_name: str,
        options: PollerOptions,
        leases: ShardLeases | None = None,
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._checkpoints = checkpoints
        self._reader = reader
        self._progress = progress
        self._table_name = table_name
        self._options = options
        # None: the only poller of the stream (no lease table, as in the unit tests).
        self._leases = leases

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
        # Each reader's own stop: set on a stop, when the stream is replaced, or when the
        # reader's lease is lost.
        reader_stops: dict[str, asyncio.Event] = {}
        finished: set[str] = set()
        checkpoints: dict[str, ShardCheckpoint] | None = None
        leaving = asyncio.Event()
        stopping = asyncio.create_task(stop.wait())
        renewing = (
            asyncio.create_task(self._leases.keep_renewed(leaving))
            if self._leases is not None
            else None
        )
        discovery_due = 0.0
        # Free or expired leases are looked for as often as held ones are renewed.
        take_due = 0.0 if self._leases is not None else math.inf
        try:
            while not stop.is_set():
                start_readers = False
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
                        start_readers = True
                if self._leases is not None and time.monotonic() >= take_due:
                    take_due = time.monotonic() + self._leases.renew_interval_seconds
                    start_readers = checkpoints is not None
                if start_readers and checkpoints is not None:
                    await self._start_readers(
                        stream_arn, shards, checkpoints, finished, readers, reader_stops
                    )
                timeout = max(min(discovery_due, take_due) - time.monotonic(), 0.0)
                done, _ = await asyncio.wait(
                    {stopping, *readers.values()},
                    timeout=timeout,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for shard_id, task in list(readers.items()):
                    if task not in done:
                        continue
                    del readers[shard_id]
                    reader_stops.pop(shard_id, None)
                    end = self._reader_end(shard_id, task)
                    if end is ShardEnd.STREAM_GONE:
                        raise StreamGoneError(stream_arn)
                    if end is ShardEnd.FINISHED:
                        finished.add(shard_id)
                        discovery_due = 0.0  # its children can start now
                        if self._leases is not None:
                            await self._leases.release(LeaseKey(stream_arn, shard_id))
        finally:
            leaving.set()
            for reader_stop in reader_stops.values():
                reader_stop.set()
            stopping.cancel()
            if readers:
                await asyncio.gather(*readers.values(), return_exceptions=True)
            if renewing is not None and self._leases is not None:
                await asyncio.gather(renewing, return_exceptions=True)
                # After the readers' last checkpoints: the next holder starts from them.
                await self._leases.release_all(stream_arn)

    async def _start_readers(
        self,
        stream_arn: str,
        shards: list[Shard],
        checkpoints: dict[str, ShardCheckpoint],
        finished: set[str],
        readers: dict[str, "asyncio.Task[ShardEnd]"],
        reader_stops: dict[str, asyncio.Event],
    ) -> None:
        for shard in ready_to_read(shards, finished, readers.keys()):
            reader_stop = asyncio.Event()
            checkpoint = checkpoints.get(shard.shard_id)
            lease: HeldLease | None = None
            if self._leases is not None:
                lease = await self._take_lease(LeaseKey(stream_arn, shard.shard_id), reader_stop)
                if lease is None:
                    continue
                try:
                    # As the previous holder left it: the discovery's copy may be older.
                    checkpoint = (await self._checkpoints.load(stream_arn)).get(shard.shard_id)
                except Exception as error:
                    logger.warning(
                        "cannot load the checkpoint of a leased shard; trying again later",
                        extra={"shard_id": shard.shard_id, "error": f"{type(error).__name__}"},
                    )
                    await self._leases.release(lease.key)
                    continue
                if checkpoint is not None and checkpoint.finished:
                    finished.add(shard.shard_id)
                    await self._leases.release(lease.key)
                    continue
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
            reader_stops[shard.shard_id] = reader_stop
            readers[shard.shard_id] = asyncio.create_task(
                self._reader.read(ref, shard, position, reader_stop, lease)
            )

    async def _take_lease(self, key: LeaseKey, reader_stop: asyncio.Event) -> HeldLease | None:
        """The shard's lease when ours or free; None while another holds it, or on an error."""
        assert self._leases is not None
        try:
            return await self._leases.acquire(key, reader_stop.set)
        except Exception as error:
            logger.warning(
                "cannot take a shard lease; trying again later",
                extra={"shard_id": key.shard_id, "error": f"{type(error).__name__}: {error}"},
            )
            return None

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
