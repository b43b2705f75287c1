"""How a button press reaches its step: data that do not match the flow's pattern get the
stale-button answer, and in a group only the group's own buttons act at all."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import Ctx
from bot.reply import Reply
from handlers.common import Actor, respond
from handlers.guards import stale

# The only buttons the bot puts in a group: the group's language and the project to link.
GROUP_BUTTONS = ("lang:", "link:")


async def buttons_of_this_chat(update: Update, context: Ctx) -> None:
    """Runs before every button handler: in a group only a group's own buttons act, so
    forged data cannot show a project's members or deadlines in another project's group
    (private buttons re-check membership and role themselves)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or chat.type == ChatType.PRIVATE:
        return
    if not (query.data or "").startswith(GROUP_BUTTONS):
        await respond(update, context, stale)
        raise ApplicationHandlerStop


def button(
    pattern: re.Pattern[str], step: Callable[[Session, Actor, re.Match[str]], Reply]
) -> Callable[[Update, Ctx], Coroutine[Any, Any, object]]:
    """A button handler: data that do not match `pattern` get the stale-button answer;
    otherwise `step` runs with the match (ids in it are re-checked by the step)."""

    async def handle(update: Update, context: Ctx) -> object:
        data = update.callback_query.data if update.callback_query else None
        match = pattern.match(data or "")
        if match is None:
            return await respond(update, context, stale)
        return await respond(update, context, lambda s, a: step(s, a, match))

    return handle
