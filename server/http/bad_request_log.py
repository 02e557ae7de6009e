"""Malformed HTTP from a client is logged as one line, not as a server error with a traceback."""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError


class ClientErrorsWithoutTraceback(logging.Filter):
    """aiohttp logs a request it cannot parse as an ERROR with a traceback: it is the client's."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 500) < 500:
            said = record.getMessage()
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "%s: %s (answered %d)"
            record.args = (said, (error.message.strip().splitlines() or [""])[0], error.code)
            record.exc_info = record.exc_text = None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Attach the filter to aiohttp's server logger."""
    (logger or logging.getLogger("aiohttp.server")).addFilter(ClientErrorsWithoutTraceback())
