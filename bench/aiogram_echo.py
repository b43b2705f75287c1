"""The peer of benchmark (a): a bare aiogram 3 echo bot, to beat with a round trip.

Shaped like aiogram's own echo example and kept as bare: a Dispatcher with aiogram's
defaults (polling, every update handled as a task of its own, the aiohttp session's
100 connections), one handler per update kind that replies. As in bench/echo_bot.py, a
press is answered (as Telegram requires) and its data echoed as a new message. Only the
Bot API's address differs, pointing at the loopback fake Bot API.

Run by bench/harness.py with TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL set.
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

dispatcher = Dispatcher()


@dispatcher.message(F.text)
async def echo(message: Message) -> None:
    """Echo the user message."""
    await message.answer(message.text or "")


@dispatcher.callback_query()
async def pressed(query: CallbackQuery) -> None:
    """Answer the button press and echo its data."""
    assert isinstance(query.message, Message)
    await query.answer()
    await query.message.answer(query.data or "")


async def main() -> None:
    # the fake's address is http://127.0.0.1:<port>/bot; aiogram appends /bot<token>/<method>
    server = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE_URL"].removesuffix("/bot"))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=AiohttpSession(api=server))
    await dispatcher.start_polling(bot)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)  # no line per update
    asyncio.run(main())
