"""A generic DynamoDB Streams consumer, the local stand-in for Lambda's event source mapping and
the Kinesis Client Library's leases. This module is its seam: nothing outside the package imports
a submodule. What the records mean is left to a StreamRecordHandler (record_handler.py)."""

from infrastructure.stream_consumer.checkpoint_store import (
    CheckpointStore,
    DeadLetter,
    DeadLetterSummary,
    ShardCheckpoint,
    ShardRef,
    StoredDeadLetter,
)
from infrastructure.stream_consumer.consumer_metrics import ConsumerMetrics
from infrastructure.stream_consumer.dead_letter_retry import DeadLetterRetry, RetryResult
from infrastructure.stream_consumer.dynamodb_lease_table import (
    DynamoDbLeaseTable,
    LeaseState,
    lease_table_definition,
)
from infrastructure.stream_consumer.lease_table import LeaseKey, LeaseTable
from infrastructure.stream_consumer.poller_options import (
    ACTIVE_POLL_INTERVAL_SECONDS,
    MAX_BATCH_SIZE,
    MAX_GET_RECORDS_LIMIT,
    MAX_POLL_INTERVAL_SECONDS,
    PollerOptions,
)
from infrastructure.stream_consumer.postgres_checkpoint_store import PostgresCheckpointStore
from infrastructure.stream_consumer.progress_log import ProgressLog
from infrastructure.stream_consumer.record_handler import (
    BatchOutcome,
    FailureKind,
    RecordFailure,
    StreamRecordHandler,
)
from infrastructure.stream_consumer.record_json import (
    MalformedRecordError,
    as_lambda_record,
    record_time,
    sequence_number_of,
)
from infrastructure.stream_consumer.shard_batch_runner import BatchResult, ShardBatchRunner
from infrastructure.stream_consumer.shard_leases import HeldLease, ShardLeases
from infrastructure.stream_consumer.shard_positions import (
    ShardEndPosition,
    first_record_after,
    shard_end,
)
from infrastructure.stream_consumer.shard_reader import ShardEnd, ShardReader
from infrastructure.stream_consumer.shards import Shard, lineage_order, ready_to_read
from infrastructure.stream_consumer.stream_discovery import describe_shards, latest_stream_arn
from infrastructure.stream_consumer.stream_poller import StreamPoller
from infrastructure.stream_consumer.trace_attributes import RecordTrace, record_trace

__all__ = [
    "ACTIVE_POLL_INTERVAL_SECONDS",
    "MAX_BATCH_SIZE",
    "MAX_GET_RECORDS_LIMIT",
    "MAX_POLL_INTERVAL_SECONDS",
    "BatchOutcome",
    "BatchResult",
    "CheckpointStore",
    "ConsumerMetrics",
    "DeadLetter",
    "DeadLetterRetry",
    "DeadLetterSummary",
    "DynamoDbLeaseTable",
    "FailureKind",
    "HeldLease",
    "LeaseKey",
    "LeaseState",
    "LeaseTable",
    "MalformedRecordError",
    "PollerOptions",
    "PostgresCheckpointStore",
    "ProgressLog",
    "RecordFailure",
    "RecordTrace",
    "RetryResult",
    "Shard",
    "ShardBatchRunner",
    "ShardCheckpoint",
    "ShardEnd",
    "ShardEndPosition",
    "ShardLeases",
    "ShardReader",
    "ShardRef",
    "StoredDeadLetter",
    "StreamPoller",
    "StreamRecordHandler",
    "as_lambda_record",
    "describe_shards",
    "first_record_after",
    "latest_stream_arn",
    "lease_table_definition",
    "lineage_order",
    "ready_to_read",
    "record_time",
    "record_trace",
    "sequence_number_of",
    "shard_end",
]
