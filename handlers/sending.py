"""A step's reply as Bot API work: each part queued for the chat it goes to
(bot/outgoing.py), where the chat's lane sends it in order. Here are the cases a reply
meets on its way: a press to answer, an edit or a new message, a forum topic, a group that
became a supergroup, a chat that blocked the bot, a group post to keep up to date."""

from __future__ import annotations

import logging
from functools import partial

from telegram import CallbackQuery, Update
from telegram import Message as TgMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.commands import set_chat_menu
from bot.context import Ctx
from bot.i18n import Html
from bot.outgoing import Lane, Post
from bot.reply import Message, Reply
from bot.send import Edit, deliver, edit_text, quietly
from storage import answers, teams, users

log = logging.getLogger(__name__)


def posts(update: Update, context: Ctx, reply: Reply) -> list[Post]:
    """The reply as Bot API work, each part queued for the chat it goes to (bot/outgoing.py):
    the press's answer at once, the rest in order behind the chat's earlier replies."""
    query = update.callback_query
    here = update.effective_chat.id if update.effective_chat else None
    messages = list(reply.messages)
    out: list[Post] = []
    if query is not None:
        answer = partial(_answer, query, reply.alert)
        out.append(Post(None, lambda lane: lane.call(answer, new_message=False)))
        if reply.clear_buttons and query.message is not None:
            out.append(Post(query.message.chat.id, partial(_clear_buttons, query)))
    elif reply.alert:
        messages.insert(0, Message(Html(reply.alert)))
    if reply.menu_language and here is not None:
        menu = partial(set_chat_menu, context.bot, here, reply.menu_language)
        out.append(Post(here, lambda lane: lane.call(menu, new_message=False)))
    for message in messages:
        chat_id = message.chat_id if message.chat_id is not None else here
        assert chat_id is not None
        elsewhere = chat_id != here
        if not elsewhere and message.thread_id is None:
            message.thread_id = topic(update)  # an answer goes to the topic it answers
        send = partial(_send_one, context, message, chat_id, query, elsewhere=elsewhere)
        out.append(Post(chat_id, send))
    return out


async def _answer(query: CallbackQuery, alert: str | None) -> None:
    """Stop the press's spinner (with a pop-up when `alert`). A press too old to answer
    (the bot was slow or restarting) is no failure: its edit goes all the same, and no
    apology follows, as what the teacher pressed is saved."""
    try:
        await query.answer(alert, show_alert=bool(alert))
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise
        log.info("a button press was too old to answer")


async def _clear_buttons(query: CallbackQuery, lane: Lane) -> None:
    try:
        await lane.call(lambda: quietly(query.edit_message_reply_markup(None)), new_message=False)
    except Forbidden:  # blocked meanwhile; the messages below tell who is unreachable
        log.info("chat %s blocked the bot", query.message.chat.id if query.message else None)


def topic(update: Update) -> int | None:
    """The forum topic an update came from (a command, or a button under a message)."""
    message = update.effective_message
    return message.message_thread_id if message is not None and message.is_topic_message else None


async def _send_one(
    context: Ctx,
    message: Message,
    chat_id: int,
    query: CallbackQuery | None,
    lane: Lane,
    *,
    elsewhere: bool = False,
) -> None:
    """One message of a reply; a post to another group goes to the topic it was linked in,
    a group that became a supergroup is followed, a chat that blocked the bot is marked
    unreachable, and a post to be kept up to date is remembered by its id."""
    if elsewhere and chat_id < 0 and message.thread_id is None:
        topics = await context.db.run(partial(teams.threads, chat_ids=[chat_id]))
        message.thread_id = topics.get(chat_id)
    edit = _edit(context, message, chat_id, query)
    try:
        try:
            sent = await deliver(context.bot, chat_id, message, edit=edit, call=lane.call)
        except ChatMigrated as moved:  # the group became a supergroup: follow it
            migrate = partial(teams.migrate_group, old=chat_id, new=moved.new_chat_id)
            await context.db.run(migrate)
            chat_id = moved.new_chat_id
            sent = await deliver(context.bot, chat_id, message, call=lane.call)
    except Forbidden:
        log.info("chat %s blocked the bot or never started it", chat_id)
        if chat_id > 0:
            await context.db.run(partial(users.set_reachable, user_id=chat_id, reachable=False))
        return
    if message.remember_as is not None and sent is not None:
        kind, project_id = message.remember_as
        await context.db.run(
            partial(
                answers.remember_post,
                chat_id=chat_id,
                kind=kind,
                message_id=sent.message_id,
                project_id=project_id,
            )
        )


def _edit(context: Ctx, message: Message, chat_id: int, query: CallbackQuery | None) -> Edit | None:
    """How the message replaces an earlier one, if it does."""
    if message.edit_id is not None:
        return edit_text(context.bot, chat_id, message.edit_id)
    # A photo or a file has no text to edit (a press on one is forged), and of a message
    # older than 48 hours Telegram sends no content: answer with a new message.
    if (
        message.edit
        and query is not None
        and isinstance(query.message, TgMessage)
        and query.message.text is not None
    ):
        shown = query.message
        return edit_text(
            context.bot,
            shown.chat.id,
            shown.message_id,
            business_connection_id=shown.business_connection_id,
        )
    return None
