"""The baseline of benchmark (a): a bare python-telegram-bot echo bot.

Shaped like python-telegram-bot's examples/echobot.py and kept as bare: an Application
from ApplicationBuilder with PTB's defaults (updates processed one at a time, no
persistence, no rate limiter, run_polling's default long poll), the example's logging
set-up, and one handler per update kind that replies. Only `base_url` differs, pointing
at the loopback fake Bot API (TELEGRAM_API_BASE_URL), and a CallbackQueryHandler is
added because the benchmark's updates are button presses: it answers the press (as
Telegram requires, see examples/inlinekeyboard.py) and echoes the button's data.

With `--aiohttp` it makes its Bot API calls through TwinCoach's request class
(bot/request.py) instead of PTB's default httpx: a reference row that shows what of
TwinCoach's rate comes from that class rather than from less work per update. With
`--concurrent` it handles updates as PTB's documentation advises for more than one at a
time, `concurrent_updates(True)` (256 at once, on PTB's pool of 256 connections): one
at a time, a round trip of 50 ms would cap it at 10 presses a second.

Run by bench/harness.py with TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL set.
"""

from __future__ import annotations

import logging
import os
import sys

from telegram import Message, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.request import AiohttpRequest

logging.basicConfig(
    format="%(asctime)s - %(name)s - %(levelname)s - %(message)s", level=logging.INFO
)
logging.getLogger("httpx").setLevel(logging.WARNING)  # as in the example: no line per request


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the user message."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press and echo its data."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await query.answer()
    await query.message.reply_text(query.data or "")


def main() -> None:
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
    )
    if "--aiohttp" in sys.argv:
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest())
    if "--concurrent" in sys.argv:
        builder = builder.concurrent_updates(True)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
