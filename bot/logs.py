"""Logging set-up: plain lines for a terminal, one JSON object per line (LOG_FORMAT=json)
for a log collector. Fields given with `extra=` (update_id, chat_id, reminder_id, …)
become JSON keys, so lines can be filtered without parsing text."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": _PROCESS,
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per holiday download
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run
