"""AWS Lambda entry point: `handler(event, context)` for DynamoDB Streams events of the journal."""

import asyncio
import functools
import os
from collections.abc import Mapping
from contextlib import AsyncExitStack
from typing import Any

from apps.read_model_updater.container import ReadModelUpdaterContainer, open_connections
from infrastructure.crypto import local_kek_refusal
from infrastructure.logging import configure_logging, context_fields
from infrastructure.settings import SettingsError
from infrastructure.stream_consumer import StreamRecordHandler
from infrastructure.tracing.export import start_tracing
from interface_adapter.stream.lambda_batch import handle_stream_event

# OpenTelemetry's service.name unless OTEL_SERVICE_NAME says otherwise.
LAMBDA_SERVICE_NAME = "read-model-updater"


class LambdaRuntime:
    """The per-process state of the function: its container, its event loop, and the clients
    and pool opened by its first invocation (closed by `close`).

    Nothing happens at import: the first invocation (the cold start) creates the container and an
    event loop, and opens the pool and the DynamoDB client; later invocations in the same process
    reuse all of them. One loop per process, since the pool's connections belong to the loop that
    opened them.
    """

    def __init__(self, container: ReadModelUpdaterContainer, tracer_provider: Any = None) -> None:
        self.container = container
        # The SDK's, when export is on: flushed after each invocation (Lambda freezes the
        # process between them, and a batch processor's thread with it).
        self._tracer_provider = tracer_provider
        self.loop = asyncio.new_event_loop()
        self._connections = AsyncExitStack()
        self._handler: StreamRecordHandler | None = None

    def invoke(self, event: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
        try:
            return self.loop.run_until_complete(self._handle(event))
        finally:
            if self._tracer_provider is not None:
                self._tracer_provider.force_flush()

    async def _handle(self, event: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
        if self._handler is None:
            # Kept only once all are open: a failed cold start closes what it opened.
            async with AsyncExitStack() as opening:
                await open_connections(self.container, opening, streams=False)
                handler = self.container.record_handler()
                self._connections = opening.pop_all()
            self._handler = handler
        return await handle_stream_event(self._handler, event)

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self._connections.aclose())
        finally:
            self.loop.close()


@functools.cache
def runtime() -> LambdaRuntime:
    """The process's runtime, created by the first invocation from the environment."""
    container = ReadModelUpdaterContainer()
    settings = container.settings()
    # In Lambda, structured lines on stderr go to CloudWatch. Elsewhere (tests, a tool calling
    # the handler in-process) the host process owns logging.
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        configure_logging(settings.log_level, settings.log_format)
    # Deployed without KMS_KEY_ID, the function would make a key file in its sandbox, lost
    # with it: every invocation fails instead, saying what to set.
    refusal = local_kek_refusal(settings, {})
    if refusal is not None:
        raise SettingsError(refusal)
    return LambdaRuntime(container, start_tracing(LAMBDA_SERVICE_NAME, os.environ))


def handler(event: Mapping[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    """`{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, …]}` for the records that
    were not applied; raises when the read model is unreachable (Lambda retries the batch).

    Deployed with ReportBatchItemFailures. Every line it logs carries the invocation's
    `aws_request_id`.
    """
    request_id = getattr(context, "aws_request_id", None)
    token = context_fields.set(
        None if not isinstance(request_id, str) else {"aws_request_id": request_id}
    )
    try:
        return runtime().invoke(event)
    finally:
        context_fields.reset(token)


def close_runtime() -> None:
    """Close the process's runtime if one was created (tests, tools; Lambda never calls it)."""
    if runtime.cache_info().currsize:
        runtime().close()
        runtime.cache_clear()
