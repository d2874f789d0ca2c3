"""Sending the journaled requests again through the moto app, in process, before serving."""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from wsgiref.types import WSGIApplication

from werkzeug.test import EnvironBuilder, run_wsgi_app

from devstack.local_dynamodb.recorded_request import RecordedRequest

logger = logging.getLogger(__name__)

_PROGRESS_EVERY_SECONDS = 5.0


class ReplayInterruptedError(RuntimeError):
    """A stop was asked for while the journal was being replayed."""


@dataclass(frozen=True, slots=True)
class ReplayReport:
    replayed: int
    failed: int
    seconds: float


def replay(
    app: WSGIApplication, requests: Sequence[RecordedRequest], stop: threading.Event
) -> ReplayReport:
    """Apply `requests` in order to `app` (moto itself, never the recorder: nothing is re-recorded).

    Each of them succeeded once on the same sequence of states, so each should succeed again; one
    that does not is logged and counted rather than fatal, so the rest of the data still comes back.
    """
    logger.info("replaying the request journal", extra={"requests": len(requests)})
    report = _replay_all(app, requests, stop)
    logger.info(
        "request journal replayed",
        extra={"replayed": report.replayed, "failed": report.failed, "seconds": report.seconds},
    )
    return report


def _replay_all(
    app: WSGIApplication, requests: Sequence[RecordedRequest], stop: threading.Event
) -> ReplayReport:
    started = time.monotonic()
    last_progress = started
    failed = 0
    for number, request in enumerate(requests, start=1):
        if stop.is_set():
            raise ReplayInterruptedError(f"stopped after replaying {number - 1} requests")
        status = _send(app, request)
        if not status.startswith("2"):
            failed += 1
            logger.warning(
                "a journaled request failed on replay",
                extra={"line": number, "target": request.target, "status": status},
            )
        now = time.monotonic()
        if now - last_progress >= _PROGRESS_EVERY_SECONDS:
            last_progress = now
            logger.info(
                "replay progress",
                extra={"replayed": number, "of": len(requests), "seconds": round(now - started, 1)},
            )
    return ReplayReport(
        replayed=len(requests), failed=failed, seconds=round(time.monotonic() - started, 3)
    )


def _send(app: WSGIApplication, request: RecordedRequest) -> str:
    builder = EnvironBuilder(
        path=request.path,
        method="POST",
        headers=list(request.replay_headers().items()),
        data=request.body,
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    chunks, status, _ = run_wsgi_app(app, environ, buffered=True)
    close = getattr(chunks, "close", None)
    if close is not None:
        close()
    return status
