"""The one wrapper every handler goes through: load the teacher, run the step in one
database session, send what it decided.

A step is a plain function `(session, actor) -> Reply`. It runs inside the update's one
database transaction (storage/db.py says where and why), which may be run again after a
lost connection, so it may use the database freely but never Telegram. What a step may
do for whom is checked in handlers/guards.py; how its reply leaves, in handlers/sending.py.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.constants import ChatType

from bot.context import Ctx
from bot.i18n import Translator, translator_for
from bot.outgoing import Post
from bot.reply import Reply
from handlers.sending import posts, topic
from storage import users
from storage.models import ChatBinding, User

log = logging.getLogger(__name__)

Step = Callable[[Session, "Actor"], Reply]
# Reads the sender (by Telegram id) together with what the step reads first, in one
# statement: the sender, or None when not stored yet, and that data for `Actor.looked_up`.
Prefetch = Callable[[Session, int], tuple[User | None, dict[str, Any]]]

# Replies wait here until the dialog state is in the database (see bot/app/application.py), so a
# teacher never sees a question that a crash could make the bot forget it asked.
OUTBOX: ContextVar[list[Post] | None] = ContextVar("outbox", default=None)


@dataclass
class Actor:
    """Who sent the update, where, and in which language to answer."""

    user: User
    t: Translator
    chat_id: int
    private: bool
    bot_username: str
    chat_title: str
    scratch: dict[str, Any]  # the teacher's unfinished answers (PTB user_data)
    now: datetime
    default_language: str  # for readers whose Telegram speaks none of our languages
    thread_id: int | None = None  # the forum topic the update came from
    # The update's memo of what dialog fields read about the team (forms.Asking.once), and
    # of what a `Prefetch` read with the sender: read afresh each update (in its
    # transaction), never kept in `scratch`.
    looked_up: dict[str, Any] = field(default_factory=dict)

    def deep_link(self, payload: str, *, group: bool = False) -> str:
        kind = "startgroup" if group else "start"
        return f"https://t.me/{self.bot_username}?{kind}={payload}"

    def translator_for(self, user: User) -> Translator:
        """A note to someone else goes in their language, never in the sender's."""
        return translator_for(user, self.default_language)


def _actor(
    session: Session,
    update: Update,
    context: Ctx,
    scratch: dict[str, Any],
    prefetch: Prefetch | None = None,
) -> Actor:
    tg_user = update.effective_user
    chat = update.effective_chat
    assert tg_user is not None and chat is not None
    private = chat.type == ChatType.PRIVATE
    found, looked_up = prefetch(session, tg_user.id) if prefetch else (None, {})
    user = users.touch_user(
        session,
        user_id=tg_user.id,
        name=tg_user.full_name,
        telegram_language=tg_user.language_code,
        private=private,
        found=found,
    )
    t = translator_for(user, context.settings.default_language)
    if not private:
        binding = session.get(ChatBinding, chat.id)
        t = Translator(binding.language) if binding else t
    return Actor(
        user=user,
        t=t,
        chat_id=chat.id,
        private=private,
        bot_username=context.bot.username,
        chat_title=chat.title or "",
        scratch=scratch,
        now=datetime.now(UTC),
        default_language=context.settings.default_language,
        thread_id=topic(update),
        looked_up=looked_up,
    )


def _anonymous(update: Update) -> bool:
    """Written as the group itself (an anonymous admin) or a channel: no person to act for."""
    message = update.effective_message
    return update.callback_query is None and message is not None and message.sender_chat is not None


def _who_is_writing(session: Session, update: Update, context: Ctx) -> Reply:
    """An anonymous admin's command changes nothing and creates no teacher; they hear why."""
    chat = update.effective_chat
    binding = session.get(ChatBinding, chat.id) if chat is not None else None
    t = Translator(binding.language if binding else context.settings.default_language)
    return Reply().say(
        t(
            "You are writing anonymously, as the group, so I cannot tell which teacher you are. Please send it from your own account: switch off “Remain anonymous” in your admin rights for a moment."
        )
    )


async def respond(
    update: Update, context: Ctx, step: Step, prefetch: Prefetch | None = None
) -> object:
    """Run `step` for this update and send its reply; returns the next dialog state.
    `prefetch` reads the sender with what the step reads first (see `Prefetch`)."""
    before = dict(context.user_data or {})

    def run(session: Session) -> tuple[Reply, dict[str, Any]]:
        scratch = copy.deepcopy(before)  # a fresh copy if the transaction is run again
        if _anonymous(update):
            return _who_is_writing(session, update, context), scratch
        return step(session, _actor(session, update, context, scratch, prefetch)), scratch

    reply, scratch = await context.db.run(run)
    if context.user_data is not None and scratch != context.user_data:
        context.user_data.clear()
        context.user_data.update(scratch)
    queue(update, context, reply)
    return reply.state


def queue(update: Update, context: Ctx, reply: Reply) -> None:
    """Send `reply` once the update's state is saved (bot/app/application.py)."""
    outbox = OUTBOX.get()
    assert outbox is not None, "replies are queued in TwinApplication.process_update"
    outbox += posts(update, context, reply)
