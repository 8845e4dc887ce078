"""gunicorn's access log without signing-link tokens (rules.md §7, §8).

A signing link's token is the manager's only credential, and it sits in the path
(`/sign/<token>`) and, for the page's own assets, in the Referer. The access log is read by
more people than the database, so every atom of an access-log line is redacted before
it is formatted. `dispatch serve` passes this class to gunicorn (--logger-class).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

_TOKEN_IN_PATH = re.compile(r"(/sign/)[^/?#\s\"]+")
REDACTED = r"\1[redacted]"


def redact(value: Any) -> Any:
    """The value with any signing-link token replaced; non-text values pass unchanged."""
    return _TOKEN_IN_PATH.sub(REDACTED, value) if isinstance(value, str) else value


class RedactingLogger(Logger):
    """gunicorn's logger, with link tokens removed from every access-log atom."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return {key: redact(value)
                for key, value in super().atoms(resp, req, environ, request_time).items()}


class RedactingFilter(logging.Filter):
    """Removes link tokens from the app's own log records (an error logs its request path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
