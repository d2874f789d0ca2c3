"""The span of an HTTP request served, when export is on (HTTP semantic conventions)."""

from contextlib import AbstractContextManager, nullcontext

from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from infrastructure.tracing.spans import span, tracing_on
from infrastructure.tracing.trace_context import parent_context

_NO_SPAN: AbstractContextManager[None] = nullcontext()


def server_span(
    method: str, route: str, path: str, incoming: str | None
) -> AbstractContextManager[Span | None]:
    """The span of a request for `route` (its template), a child of the caller's span when
    its traceparent `incoming` is valid; None inside the block when export is off (and the
    header is not even parsed)."""
    if not tracing_on():
        return _NO_SPAN
    return span(
        f"{method} {route}",
        SpanKind.SERVER,
        {"http.request.method": method, "http.route": route, "url.path": path},
        context=parent_context(incoming),
    )


def record_status(current: Span | None, status: int) -> None:
    """The answer's status on the request's span; a server error is the span's error too."""
    if current is not None:
        current.set_attribute("http.response.status_code", status)
        if status >= 500:
            current.set_status(Status(StatusCode.ERROR))
