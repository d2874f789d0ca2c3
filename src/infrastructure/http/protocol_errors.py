"""Protocol errors aiohttp logs (a malformed request line, a header over its limit) without what
the client sent: its text may quote a header, and so a token, and its address."""

import logging

from aiohttp.http_exceptions import HttpProcessingError

AIOHTTP_SERVER_LOGGER = "aiohttp.server"


class _WithoutRequestText(logging.Filter):
    """Rewrites aiohttp's "Error handling request from <address>" records of protocol errors
    into one line naming the error's type and status, without the exception's text (which
    quotes what was received) or the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            # The client's fault, not the server's: a warning, not an error.
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "malformed HTTP request refused"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.__dict__["error_type"] = type(error).__name__
            record.__dict__["status"] = error.code
        return True


_FILTER = _WithoutRequestText()


def log_protocol_errors_without_request_text() -> None:
    """Install the filter on aiohttp's server logger (once; calling again changes nothing)."""
    logger = logging.getLogger(AIOHTTP_SERVER_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
