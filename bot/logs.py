"""Logging set-up: plain lines for a terminal, one JSON object per line (LOG_FORMAT=json)
for a log collector. Fields given with `extra=` (update_id, chat_id, reminder_id, …)
become JSON keys, so lines can be filtered without parsing text. The bot token is cut
out of every finished line, whichever library logged it."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import traceback
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"
# A token in a Bot API address (/bot<id>:<secret>/getMe), also one not configured here.
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]{30,}")
REDACTED = "bot<redacted>"


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


class Redacting(logging.Formatter):
    """Formats with `inner`, then removes the token from the whole line: message, its
    arguments, exception text and JSON fields alike. PTB logs its API address with the
    token at DEBUG, and quotes the token when Telegram rejects it."""

    def __init__(self, inner: logging.Formatter, token: str | None) -> None:
        super().__init__()
        self.inner = inner
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        if self.token:
            line = line.replace(self.token, "<redacted>")
        return _TOKEN_IN_URL.sub(REDACTED, line)


def kind(error: BaseException) -> str:
    """builtins.ValueError, sqlalchemy.exc.DataError, …"""
    return f"{type(error).__module__}.{type(error).__qualname__}"


def failure(error: BaseException) -> str:
    """The exception's type and where it was raised, its causes first, as Python shows
    them but without any exception's message: a message may quote what a teacher wrote
    (int('…'), a database error's key or values), and that has no place in the logs."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.insert(0, current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\nWhich led to:\n".join(
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(exc.__traceback__))
        + kind(exc)
        for exc in chain
    )


def configure(settings: Settings) -> None:
    handler = logging.StreamHandler()
    inner = (
        JsonFormatter()
        if settings.log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    token = settings.telegram_bot_token
    handler.setFormatter(Redacting(inner, token.get_secret_value() if token else None))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per holiday download
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run
