"""Running a WSGI app to completion before answering, and the emulator's own error answer."""

import json
from collections.abc import Callable, Iterable
from types import TracebackType
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

OptExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]

_INTERNAL_ERROR = json.dumps(
    {
        "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
        "message": "the local DynamoDB failed to handle the request; see its log",
    }
).encode()


class Answer:
    """A start_response that keeps what the app answered instead of sending it."""

    def __init__(self) -> None:
        self.status = "500 INTERNAL SERVER ERROR"
        self.headers: list[tuple[str, str]] = []
        self.exc_info: OptExcInfo | None = None

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        self.status, self.headers, self.exc_info = status, headers, exc_info
        return _refuse_write


def call_to_completion(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[Answer, bytes]:
    """Run `app` to completion and collect its whole answer (moto builds its answers whole)."""
    answer = Answer()
    chunks = app(environ, answer)
    try:
        content = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer, content


def send(answer: Answer, content: bytes, start_response: StartResponse) -> Iterable[bytes]:
    """Pass on what `call_to_completion` collected."""
    start_response(answer.status, answer.headers, answer.exc_info)
    return [content]


def internal_error(start_response: StartResponse) -> Iterable[bytes]:
    """A 500 in DynamoDB's error form: SDKs retry it."""
    start_response(
        "500 INTERNAL SERVER ERROR",
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(_INTERNAL_ERROR))),
        ],
    )
    return [_INTERNAL_ERROR]


def _refuse_write(data: bytes) -> None:
    raise RuntimeError("the legacy WSGI write() callable is not supported here")
