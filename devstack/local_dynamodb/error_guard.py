"""The emulator's outermost app: a failure is logged by its type and place, never its message."""

import errno
import logging
import traceback
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from devstack.local_dynamodb.wsgi_call import call_to_completion, internal_error, send

logger = logging.getLogger(__name__)


class ErrorsWithoutData:
    """Answers 500 to a request that raised, and logs the error without its message.

    Left to werkzeug, the exception would be logged with its message and traceback, and moto's
    messages may quote a request's values (an item's attribute, a key): the log would keep them.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            answer, content = call_to_completion(self._app, environ)
        except Exception as error:
            logger.error(
                "a request failed in the local DynamoDB",
                extra={"target": environ.get("HTTP_X_AMZ_TARGET"), **describe_error(error)},
            )
            return internal_error(start_response)
        return send(answer, content, start_response)


def describe_error(error: BaseException) -> dict[str, str]:
    """The type of `error` and where it was raised: what a log may say of it."""
    frames = traceback.extract_tb(error.__traceback__)
    report = {
        "error": type(error).__qualname__,
        "raised_at": f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown",
    }
    if isinstance(error, OSError) and error.errno is not None:
        report["errno"] = errno.errorcode.get(error.errno, str(error.errno))
    return report
