"""Sending one `Message` as as many Telegram messages as its text needs.

Replies (handlers/sending.py) and reminders (scheduler/reminders/jobs.py) both go through
`deliver`, so every text is split the same way (bot/split.py): an edit that would be too
long edits the message with the first part and sends the rest as new messages; a caption
that would be too long goes with the photo or file and the rest follows as text. The
buttons always go on the last part, under everything they refer to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import partial
from typing import Any, Protocol

from telegram import Bot, InlineKeyboardMarkup
from telegram import Message as TgMessage
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.error import BadRequest

from bot.outgoing import Call, direct
from bot.reply import Message, markup, markup_data
from bot.split import CAPTION_LIMIT, TEXT_LIMIT, split_html


class Edit(Protocol):
    """Puts the first part in place of an earlier message (its text and buttons)."""

    def __call__(
        self, text: str, *, reply_markup: InlineKeyboardMarkup | dict[str, Any] | None
    ) -> Awaitable[object]: ...


def edit_text(
    bot: Bot, chat_id: int, message_id: int, *, business_connection_id: str | None = None
) -> Edit:
    """An `Edit` of one message: the request `Bot.edit_message_text` makes, with the same
    parameters and the bot's defaults filled in the same way (HTML, no link previews), but
    Telegram's answer, the edited message, is not made into a PTB `Message`, which nothing
    reads: that was about 4 % of a press's CPU in a profile (bench/README.md). Errors are
    raised as the Bot method raises them (the same request path)."""

    async def edit(
        text: str, *, reply_markup: InlineKeyboardMarkup | dict[str, Any] | None
    ) -> None:
        # as Bot.edit_message_text and Bot._send_message build it; PTB's own _post then
        # fills in the defaults and drops the Nones (tests/test_press_cost.py compares)
        data = {
            "text": text,
            "chat_id": chat_id,
            "message_id": message_id,
            "reply_markup": reply_markup,
            "business_connection_id": business_connection_id,
            "disable_notification": DEFAULT_NONE,
            "link_preview_options": DEFAULT_NONE,
            "parse_mode": DEFAULT_NONE,
            "protect_content": DEFAULT_NONE,
        }
        await bot._post("editMessageText", data)

    return edit


async def quietly(edit: Awaitable[object]) -> None:
    """An edit that changes nothing, or of a message deleted meanwhile, is no failure."""
    try:
        await edit
    except BadRequest as exc:
        if not any(s in exc.message.lower() for s in ("not modified", "not found")):
            raise


async def deliver(
    bot: Bot, chat_id: int, message: Message, *, edit: Edit | None = None, call: Call = direct
) -> TgMessage | None:
    """Send `message` to `chat_id`, its first part through `edit` when given; returns the
    first message sent anew (the one to edit later), None when the edit was all. Each
    request goes through `call` (a reply's: in its chat's turn, with retries)."""
    media = message.document is not None or message.photo is not None
    parts = split_html(message.text, first=CAPTION_LIMIT if media else TEXT_LIMIT)
    edit_only = edit is not None and not media and len(parts) == 1  # a press's usual reply
    keyboard = None if edit_only else markup(message.buttons)  # PTB's, for Bot methods
    on_first = keyboard if len(parts) == 1 else None
    sent: TgMessage | None = None
    topic = message.thread_id
    if message.document is not None:
        doc = message.document
        sent = await call(
            partial(
                bot.send_document,
                chat_id,
                doc.content,
                filename=doc.filename,
                caption=parts[0],
                reply_markup=on_first,
                message_thread_id=topic,
            )
        )
    elif message.photo is not None:
        picture = await asyncio.to_thread(message.photo)
        sent = await call(
            partial(
                bot.send_photo,
                chat_id,
                picture,
                caption=parts[0],
                reply_markup=on_first,
                filename="twincoach.png",
                message_thread_id=topic,
            )
        )
    elif edit is not None:
        first = parts[0]
        # the buttons as the Bot API reads them, the same request (bot.reply.markup_data)
        data = markup_data(message.buttons) if len(parts) == 1 else None
        await call(lambda: quietly(edit(first, reply_markup=data)), new_message=False)
    else:
        first_part = partial(bot.send_message, chat_id, parts[0], message_thread_id=topic)
        sent = await call(partial(first_part, reply_markup=on_first))
    for n, part in enumerate(parts[1:], 2):
        buttons = keyboard if n == len(parts) else None
        new = await call(
            partial(bot.send_message, chat_id, part, reply_markup=buttons, message_thread_id=topic)
        )
        sent = sent or new
    return sent
