"""Structured logs: one JSON object per line when `PROCUREHUB_LOG_FORMAT=json`.

Log collectors (journald, Loki, CloudWatch, Elastic) read JSON lines without parsing rules.
Each line holds `time` (UTC, ISO 8601), `level`, `logger`, `message`, and for a failure
`exception` (the type and traceback). Messages never carry officers' names or e-mail
addresses (the code logs ids and counts), so the lines can be shipped as they are.
The default (`text`) leaves Python's logging as it is.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from flask import Flask


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(fmt: str, level: str = "INFO") -> None:
    """Send the root logger's records to stderr as JSON lines (fmt "json"); "text" does nothing."""
    if fmt != "json":
        return
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonLines) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root.handlers = [handler]
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    fmt = (
        app.config.get("LOG_FORMAT") or os.environ.get("PROCUREHUB_LOG_FORMAT") or "text"
    ).lower()
    configure(fmt, app.config.get("LOG_LEVEL") or os.environ.get("PROCUREHUB_LOG_LEVEL") or "INFO")
