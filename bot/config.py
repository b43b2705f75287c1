"""Settings from the environment or `.env` (every one is documented in .env.example)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import is_supported

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
# Telegram's rules for setWebhook: the secret_token's characters and the ports it posts to.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_PORTS = (443, 80, 88, 8443)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = "sqlite:///./data/twincoach.db"
    # The offline console's own database: it never reads or sends a real team's reminders.
    console_database_url: str = "sqlite:///./data/console.db"
    telegram_api_base_url: str | None = None
    telegram_api_base_file_url: str | None = None
    # Seconds to wait for Telegram's answer. A time-out leaves it unknown whether a message
    # arrived, and it is then sent again; waiting longer makes that rarer.
    telegram_read_timeout: float = Field(default=15.0, gt=0)
    # Connections to the Bot API per process (bot/request.py); half as many updates are
    # handled at once. Each Bot API call holds one for Telegram's round trip (30–100 ms)
    # and a press makes two at once, so 128 carry up to 1,280 presses a second at 50 ms
    # (bench/README.md, Sizing).
    telegram_connections: int = Field(default=128, ge=1, le=256)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    openholidays_url: str = "https://openholidaysapi.org"  # empty: do not fetch
    default_language: Literal["lv", "lt", "en"] = "en"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Reminders are sent by every bot process unless this is off (then run `python -m bot
    # scheduler` on its own). SEND_RATE: new messages a second this process sends, replies
    # and reminders together (bot/budget.py); Telegram allows a bot 30, so with several
    # processes on one database theirs must add up to at most 30.
    run_scheduler: bool = True
    send_rate: int = Field(default=30, ge=1, le=30)
    # Days a sent, failed or dropped reminder row is kept (a daily job deletes older ones,
    # scheduler/reminders/prune.py); at least 30, past the 14 days after which a quiet
    # teacher's ignored reminders are counted for a check-in.
    reminder_retention_days: int = Field(default=90, ge=30)
    health_port: int = 0  # /healthz and /metrics; 0 = off
    health_listen: str = "127.0.0.1"

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_base_url", "telegram_api_base_file_url", "webhook_url")
    @classmethod
    def _blank_url_is_none(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") or None if value else None

    @field_validator("database_url", "console_database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not is_supported(value):
            raise ValueError(
                "only SQLite and PostgreSQL are supported: sqlite:///path/to/file.db or "
                "postgresql://user:password@host:5432/name (postgres:// and "
                "postgresql+psycopg:// work too)"
            )
        return value

    @field_validator("webhook_url")
    @classmethod
    def _telegram_posts_there(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Checked now, or setWebhook fails at start-up. A self-hosted Bot API server
        (TELEGRAM_API_BASE_URL) may post anywhere, plain HTTP included."""
        if value is None or info.data.get("telegram_api_base_url"):
            return value
        url = urlsplit(value)
        try:
            port = url.port or 443
        except ValueError:  # not a number, or out of range
            port = 0
        if url.scheme != "https" or not url.hostname or port not in WEBHOOK_PORTS:
            raise ValueError(
                "Telegram posts only to a public https:// address on port 443, 80, 88 or "
                "8443, e.g. https://bot.example.org"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_accepts_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "use 1 to 256 characters, only A-Z, a-z, 0-9, _ and - (Telegram's rule)"
            )
        return value

    @field_validator("webhook_port", "health_port")
    @classmethod
    def _port(cls, value: int, info: ValidationInfo) -> int:
        off = info.field_name == "health_port" and value == 0
        if not off and not 1 <= value <= 65535:
            extra = " (or 0: off)" if info.field_name == "health_port" else ""
            raise ValueError(f"must be a port number from 1 to 65535{extra}")
        return value

    @property
    def base_file_url(self) -> str | None:
        """A self-hosted Bot API serves files under /file/bot…, next to /bot…."""
        if self.telegram_api_base_file_url or not self.telegram_api_base_url:
            return self.telegram_api_base_file_url
        return re.sub(r"/bot$", "/file/bot", self.telegram_api_base_url)

    def token_problem(self) -> str | None:
        """Why the token cannot be used, in one line, or None when it looks right."""
        if self.telegram_bot_token is None:
            return "TELEGRAM_BOT_TOKEN is not set (get one from @BotFather, see README)."
        if not TOKEN_PATTERN.match(self.telegram_bot_token.get_secret_value()):
            return "TELEGRAM_BOT_TOKEN does not look like a BotFather token (digits:letters)."
        return None
