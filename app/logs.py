"""The application log: one JSON object per line on stderr, at ``LOG_LEVEL`` (INFO by default).

Every module logs through ``logging.getLogger(__name__)`` — ``app.services.users``,
``app.jobs.notifications``… — all children of the ``app`` logger, which is also Flask's
``app.logger`` (the package's import name). ``init_app`` gives that logger its level and one
handler, so INFO lines (a security event, a job's retry) are kept in every shape; without it
Python's default WARNING level dropped them. gunicorn, the RQ worker and the scheduler all
write stderr, where the process manager (systemd, Docker, a PaaS) collects it.

A line holds ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``msg``, in a request also
``method``, ``path`` and ``addr``, any ``extra={...}`` fields the call passed (the security
audit passes ``security_event``), and ``exc`` with the traceback of an exception.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, has_request_context, request
from flask.logging import default_handler

LOGGER = "app"
# The attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """A record as one line of JSON (what log collectors parse without a pattern)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            line.update(method=request.method, path=request.path, addr=request.remote_addr)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged (as logging's own last-resort
    handler does), not to the stream of the moment the app was built."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    """Give the ``app`` logger ``LOG_LEVEL`` and the JSON-lines handler (once per process:
    several apps in one process, as in the tests, share the logger)."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.removeHandler(default_handler)  # Flask's plain-text handler
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
