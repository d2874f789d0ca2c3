"""Reading one shard to its end (or to a stop): iterators, GetRecords, batches, pacing."""

import asyncio
import contextlib
import enum
import logging
import math
import time
from typing import Any

from botocore.exceptions import ClientError

from infrastructure.backoff import sleep_unless_set
from infrastructure.dynamodb.client import DynamoDbStreamsClient, error_code
from infrastructure.stream_consumer.checkpoint_store import CheckpointStore, ShardRef
from infrastructure.stream_consumer.consumer_metrics import ConsumerMetrics
from infrastructure.stream_consumer.poller_options import PollerOptions
from infrastructure.stream_consumer.shard_batch_runner import ShardBatchRunner
from infrastructure.stream_consumer.shard_leases import HeldLease
from infrastructure.stream_consumer.shards import Shard
from infrastructure.stream_consumer.stream_discovery import StreamGoneError

logger = logging.getLogger(__name__)


class ShardEnd(enum.Enum):
    FINISHED = "finished"  # closed, and read to its end
    STOPPED = "stopped"
    STREAM_GONE = "stream gone"
    LEASE_LOST = "lease lost"  # another updater may read it now: not one more write


class _StartOverError(Exception):
    """The checkpoint cannot be read after: read the shard from its trim horizon."""


class ShardReader:
    """Like Lambda's event source mapping on one shard: TRIM_HORIZON without a checkpoint,
    AFTER_SEQUENCE_NUMBER with one, never LATEST (that would skip records). The iterator of
    each answer is reused; a new one is asked for only at start, after a failure or expiry."""

    def __init__(
        self,
        streams: DynamoDbStreamsClient,
        run_batch: ShardBatchRunner,
        checkpoints: CheckpointStore,
        options: PollerOptions,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        self._streams = streams
        self._run_batch = run_batch
        self._checkpoints = checkpoints
        self._options = options
        self._metrics = ConsumerMetrics() if metrics is None else metrics

    async def read(
        self,
        ref: ShardRef,
        shard: Shard,
        position: str | None,
        stop: asyncio.Event,
        lease: HeldLease | None = None,
    ) -> ShardEnd:
        """Read until the shard's end or `stop`. With a `lease`, no further batch is applied
        and the shard is not marked finished once the lease is no longer held (`stop` is set
        too when it is lost, which ends the retries of a batch in hand).

        Each GetRecords answer (up to `get_records_limit` records) is applied in batches of
        `batch_size`. While a full answer is applied, the next is already asked for (one call
        ahead, with the answer's NextShardIterator): the stream and the read model work at the
        same time. That call only reads: its records are applied, and the checkpoint moves,
        only after those in hand are; a failed or unused call is dropped, and the next
        iterator is asked for after the checkpoint as before."""
        iterator: str | None = None
        ahead: asyncio.Task[dict[str, Any]] | None = None
        failures = 0
        last_records_at = -math.inf  # idle until records come
        try:
            while not stop.is_set():
                try:
                    if ahead is not None:
                        fetching, ahead = ahead, None
                        response = await fetching
                    else:
                        if iterator is None:
                            iterator, position = await self._new_iterator(ref, shard, position)
                        response = await self._get_records(iterator)
                except StreamGoneError:
                    return ShardEnd.STREAM_GONE
                except ClientError as error:
                    code = error_code(error)
                    if code == "ResourceNotFoundException":
                        return ShardEnd.STREAM_GONE
                    iterator = None
                    if code == "ExpiredIteratorException":
                        logger.info("shard iterator expired; asking for a new one", extra=_log(ref))
                        continue
                    if code == "TrimmedDataAccessException":
                        logger.warning(
                            "records after the checkpoint are trimmed; reading from TRIM_HORIZON",
                            extra=_log(ref, position=position),
                        )
                        position = None
                        continue
                    failures += 1
                    if await self._wait_after_failure(ref, error, failures, stop):
                        break
                    continue
                except Exception as error:
                    iterator = None
                    failures += 1
                    if await self._wait_after_failure(ref, error, failures, stop):
                        break
                    continue
                failures = 0
                records: list[dict[str, Any]] = response.get("Records") or []
                if lease is not None and not lease.held():
                    return ShardEnd.LEASE_LOST
                iterator = response.get("NextShardIterator")
                full = len(records) >= self._options.get_records_limit
                if records:
                    if full and iterator is not None:
                        ahead = asyncio.create_task(self._get_records(iterator))
                    end, position = await self._apply(ref, records, position, stop, lease)
                    if end is not None:
                        return end
                else:
                    self._metrics.caught_up(ref.shard_id)
                if iterator is None:
                    if lease is not None and not lease.held():
                        return ShardEnd.LEASE_LOST
                    return await self._finish(ref, stop)
                if records:
                    last_records_at = time.monotonic()
                if not full and await sleep_unless_set(
                    stop, self._options.wait_after(time.monotonic() - last_records_at)
                ):
                    break
            return ShardEnd.STOPPED
        finally:
            self._metrics.shard_left(ref.shard_id)
            if ahead is not None:
                await _drop(ahead)

    async def _get_records(self, iterator: str) -> dict[str, Any]:
        response: dict[str, Any] = await self._streams.get_records(
            ShardIterator=iterator, Limit=self._options.get_records_limit
        )
        return response

    async def _apply(
        self,
        ref: ShardRef,
        records: list[dict[str, Any]],
        position: str | None,
        stop: asyncio.Event,
        lease: HeldLease | None,
    ) -> tuple[ShardEnd | None, str | None]:
        """Apply one answer's records in batches, each checkpointed; the position after them,
        and how the reading ends when it must (a stop or a lost lease between two batches:
        the rest comes again from the checkpoint)."""
        size = self._options.batch_size
        for first in range(0, len(records), size):
            if first:
                if stop.is_set():
                    return ShardEnd.STOPPED, position
                if lease is not None and not lease.held():
                    return ShardEnd.LEASE_LOST, position
            result = await self._run_batch(ref, records[first : first + size], stop)
            position = result.position or position
            if not result.complete:
                return ShardEnd.STOPPED, position
        return None, position

    async def _new_iterator(
        self, ref: ShardRef, shard: Shard, position: str | None
    ) -> tuple[str, str | None]:
        """An iterator after `position` (TRIM_HORIZON when None or unusable), and the position
        it really starts after."""
        if position is not None and shard.precedes_trim_horizon(position):
            logger.warning(
                "the checkpoint precedes the shard's first record; reading from TRIM_HORIZON",
                extra=_log(ref, position=position),
            )
            position = None
        try:
            return await self._get_iterator(ref, position), position
        except _StartOverError as start_over:
            logger.warning(
                "cannot read after the checkpoint; reading the shard from TRIM_HORIZON",
                extra=_log(ref, position=position, error=str(start_over)),
            )
            return await self._get_iterator(ref, None), None

    async def _get_iterator(self, ref: ShardRef, position: str | None) -> str:
        request: dict[str, str] = {"StreamArn": ref.stream_arn, "ShardId": ref.shard_id}
        if position is None:
            request["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            request |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
        try:
            response = await self._streams.get_shard_iterator(**request)
        except ClientError as error:
            code = error_code(error)
            if code == "ResourceNotFoundException":
                raise StreamGoneError(ref.stream_arn) from error
            # Trimmed, or a sequence number this shard never had (a checkpoint of another
            # incarnation of the stream): the trim horizon is the only safe place to start.
            if position is not None and code in (
                "TrimmedDataAccessException",
                "ValidationException",
            ):
                raise _StartOverError(f"{code}: {error}") from error
            raise
        iterator: str = response["ShardIterator"]
        return iterator

    async def _finish(self, ref: ShardRef, stop: asyncio.Event) -> ShardEnd:
        failures = 0
        while True:
            try:
                await self._checkpoints.finish(ref)
            except Exception as error:
                failures += 1
                if await self._wait_after_failure(ref, error, failures, stop):
                    return ShardEnd.STOPPED
                continue
            logger.info("shard read to its end", extra=_log(ref))
            return ShardEnd.FINISHED

    async def _wait_after_failure(
        self, ref: ShardRef, error: Exception, failures: int, stop: asyncio.Event
    ) -> bool:
        delay = self._options.retry.delay(failures)
        logger.warning(
            "stream read failed; retrying with a new iterator",
            extra=_log(
                ref,
                retry=failures,
                retry_in_ms=int(delay * 1000),
                error=f"{type(error).__name__}: {error}",
            ),
        )
        return await sleep_unless_set(stop, delay)


async def _drop(call: "asyncio.Task[dict[str, Any]]") -> None:
    """Cancel a call made ahead that will not be used, and wait until it is over."""
    call.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await call


def _log(ref: ShardRef, **fields: object) -> dict[str, object]:
    return {"stream_arn": ref.stream_arn, "shard_id": ref.shard_id, **fields}
