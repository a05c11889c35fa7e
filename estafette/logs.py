"""Structured logs: one JSON object per line on stdout, through Python ``logging``.

Call ``log_event(name, **fields)`` for anything an operator may need to reconstruct later::

    log_event("sign_in", email="a@example.nl", method="local")
    log_event("sign_in_failed", email="a@example.nl", reason="bad_password")
    log_event("lockout", email="a@example.nl", until="2026-11-25T13:00:00")
    log_event("session_ended", user_id=3, reason="logout")

Each line holds ``ts`` (UTC, ISO 8601), ``level``, ``event`` and the fields. Secrets and
people's own texts never belong in a log: fields whose name says password, token, secret,
cookie, hash, text, body, note, quote or content are replaced by ``"[redacted]"`` whatever
the caller passes. Values are made JSON-safe with ``str()``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import threading
from typing import Any

LOGGER_NAME = "estafette"
REDACTED = "[redacted]"
_SECRET_FIELD = re.compile(
    r"pass|token|secret|cookie|hash|text|body|note|quote|content|answer", re.IGNORECASE
)
_configured = threading.Lock()


class JsonLineFormatter(logging.Formatter):
    """Render a record as one JSON line (fields from ``extra={"fields": {...}}``)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line."""
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, ensure_ascii=False, default=str)


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler on whatever ``sys.stdout`` is when a line is written.

    A handler that kept the stdout of its creation would write into a closed stream once a
    tool or test swapped stdout (pytest does, per test), and logging would report an error.
    """

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def logger() -> logging.Logger:
    """The ``estafette`` logger, with its JSON-lines handler on stdout (added once)."""
    log = logging.getLogger(LOGGER_NAME)
    with _configured:
        if not any(isinstance(h.formatter, JsonLineFormatter) for h in log.handlers):
            handler = StdoutHandler()
            handler.setFormatter(JsonLineFormatter())
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            # Streamlit's own handlers write plain text to stderr; keep our lines to ourselves.
            log.propagate = False
    return log


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with secrets and people's texts replaced by ``[redacted]``."""
    return {
        key: REDACTED if _SECRET_FIELD.search(key) else _plain(value)
        for key, value in fields.items()
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def log_event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Write one structured event (``name`` plus ``fields``) as a JSON line on stdout."""
    logger().log(level, name, extra={"fields": clean(fields)})
