"""`python -m bot console`: the real bot, offline. The Application long-polls a fake Bot
API served on loopback by this process; the terminal plays several teachers and a group."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from pydantic import SecretStr

from bot.app.application import build_application
from bot.app.console_chat import chat_loop
from bot.config import Settings
from bot.fakeapi.server import FakeBotApi
from storage.db import Database

BANNER = (
    "TwinCoach offline console: the real bot, a fake Telegram, no network.\n"
    "You are Anna (Latvian); Jonas (Lithuanian) and Maria (English) are here too.\n"
    "Type /start to begin, :help for console commands, :quit to leave."
)
CONSOLE_TOKEN = "1000001:offline-console-token-not-for-telegram"  # noqa: S105  (only the fake API sees it)


async def _read_line() -> str | None:
    """A line from the terminal without blocking the bot's event loop (None at end of input)."""
    line = await asyncio.to_thread(sys.stdin.readline)
    return line.rstrip("\n") if line else None


def _write(line: str) -> None:
    print(line, flush=True)


async def run_console(
    settings: Settings,
    db: Database,
    read_line: Callable[[], Awaitable[str | None]] = _read_line,
    write: Callable[[str], None] = _write,
) -> None:
    """Serve a fake Bot API, run the real bot against it, and chat until `:quit`."""
    fake = FakeBotApi()
    await fake.start()
    offline = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(CONSOLE_TOKEN),  # never a real bot's
            "telegram_api_base_url": fake.base_url,
            "telegram_api_base_file_url": fake.base_file_url,
            "openholidays_url": "",  # no network: school holidays only as members enter them
        }
    )
    app = build_application(offline, db)
    # One person plays every teacher here, and scripts pasted in type faster than anyone:
    # no input limits (bot/fair.py) in the console.
    app.bot_data["services"].limits.enabled = False
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=10)
            write(BANNER)
            await chat_loop(fake, read_line, write, color=write is _write and sys.stdout.isatty())
            await app.updater.stop()
            await app.stop()
    finally:
        await fake.stop()
        db.close()
