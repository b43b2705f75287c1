"""The one wrapper every handler goes through: load the teacher, run the step in one
database session, send what it decided.

A step is a plain function `(session, actor) -> Reply`. It runs inside the update's one
database transaction (storage/db.py says where and why), which may be run again after a
lost connection, so it may use the database freely but never Telegram.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlmodel import Session
from telegram import (
    CallbackQuery,
    Update,
)
from telegram import Message as TgMessage
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import ApplicationHandlerStop

from bot.commands import set_chat_menu
from bot.context import Ctx
from bot.i18n import Html, Translator, translator_for
from bot.outgoing import Lane, Post
from bot.reply import Button, Message, Reply
from bot.send import Edit, deliver, quietly
from storage import answers, teams, users
from storage.models import ChatBinding, Membership, Project, Role, User

log = logging.getLogger(__name__)

Step = Callable[[Session, "Actor"], Reply]

# Replies wait here until the dialog state is in the database (see bot/app.py), so a
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
    # What the open dialog's form looked up for this update (its Form.lookup): the team's
    # names, zones and calendars are read afresh at each step, never kept in `scratch`.
    looked_up: dict[str, Any] = field(default_factory=dict)

    def deep_link(self, payload: str, *, group: bool = False) -> str:
        kind = "startgroup" if group else "start"
        return f"https://t.me/{self.bot_username}?{kind}={payload}"

    def translator_for(self, user: User) -> Translator:
        """A note to someone else goes in their language, never in the sender's."""
        return translator_for(user, self.default_language)


def _actor(session: Session, update: Update, context: Ctx, scratch: dict[str, Any]) -> Actor:
    tg_user = update.effective_user
    chat = update.effective_chat
    assert tg_user is not None and chat is not None
    private = chat.type == ChatType.PRIVATE
    user = users.touch_user(
        session,
        user_id=tg_user.id,
        name=tg_user.full_name,
        telegram_language=tg_user.language_code,
        private=private,
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
        thread_id=_topic(update),
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


async def respond(update: Update, context: Ctx, step: Step) -> object:
    """Run `step` for this update and send its reply; returns the next dialog state."""
    before = dict(context.user_data or {})

    def run(session: Session) -> tuple[Reply, dict[str, Any]]:
        scratch = copy.deepcopy(before)  # a fresh copy if the transaction is run again
        if _anonymous(update):
            return _who_is_writing(session, update, context), scratch
        return step(session, _actor(session, update, context, scratch)), scratch

    reply, scratch = await context.db.run(run)
    if context.user_data is not None and scratch != context.user_data:
        context.user_data.clear()
        context.user_data.update(scratch)
    queue(update, context, reply)
    return reply.state


def queue(update: Update, context: Ctx, reply: Reply) -> None:
    """Send `reply` once the update's state is saved (bot/app.py)."""
    outbox = OUTBOX.get()
    assert outbox is not None, "replies are queued in TwinApplication.process_update"
    outbox += _posts(update, context, reply)


def stale(_session: Session, actor: Actor) -> Reply:
    """A button that no longer means anything (or forged data): a pop-up, nothing changes."""
    return Reply(alert=actor.t("This button is no longer active."))


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


def _posts(update: Update, context: Ctx, reply: Reply) -> list[Post]:
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
            message.thread_id = _topic(update)  # an answer goes to the topic it answers
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


def _topic(update: Update) -> int | None:
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
        return partial(context.bot.edit_message_text, chat_id=chat_id, message_id=message.edit_id)
    # A photo or a file has no text to edit (a press on one is forged), and of a message
    # older than 48 hours Telegram sends no content: answer with a new message.
    if (
        message.edit
        and query is not None
        and isinstance(query.message, TgMessage)
        and query.message.text is not None
    ):
        return query.edit_message_text
    return None


# --- guards shared by the flows -----------------------------------------------------


def active_project(session: Session, actor: Actor) -> tuple[Project, Membership] | None:
    """The project a private command acts on: the bound project in a group, else the
    teacher's active one (or their only one). None when the sender is not a member."""
    if actor.private:
        project_id = actor.user.active_project_id
        if project_id is None:
            mine = teams.user_projects(session, user_id=actor.user.id)
            if len(mine) != 1:
                return None
            project_id = mine[0].id
            actor.user.active_project_id = project_id
        project = session.get(Project, project_id)
    else:
        project = teams.bound_project(session, chat_id=actor.chat_id)
    if project is None or project.id is None:
        return None
    m = teams.membership(session, project_id=project.id, user_id=actor.user.id)
    return (project, m) if m else None


def for_member(
    step: Callable[[Session, Actor, Project, Membership], Reply], *, private_only: bool = False
) -> Step:
    """Run `step` only for a member of the project this chat acts on; others get a
    clear answer and nothing changes."""

    def guarded(session: Session, actor: Actor) -> Reply:
        if private_only and not actor.private:
            return only_private(actor)
        found = active_project(session, actor)
        if found is None:
            linked = not actor.private and teams.bound_project(session, chat_id=actor.chat_id)
            return not_in_this_project(actor) if linked else no_project(actor)
        return step(session, actor, *found)

    return guarded


def member_of(session: Session, actor: Actor, project_id: int) -> tuple[Project, Membership] | None:
    """The project named in a button and the sender's membership, or None: ids in
    callback data carry no trust. In a group the project must be the one the group is
    linked to: a button pressed there edits a message the whole group sees."""
    if not actor.private:
        bound = teams.bound_project(session, chat_id=actor.chat_id)
        if bound is None or bound.id != project_id:
            return None
    project = session.get(Project, project_id)
    m = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    return (project, m) if project is not None and m is not None else None


def no_project(actor: Actor) -> Reply:
    t = actor.t
    if actor.private:
        return Reply().say(
            t(
                "You are not in a project yet. Start one with /newproject or join with an invite link."
            )
        )
    return Reply().say(
        t(
            "This group is not linked to a project of yours. A project member who is a group admin can send /link."
        )
    )


def not_in_this_project(actor: Actor) -> Reply:
    """A command in a linked group from someone outside its project: said in one line in
    front of everyone, and true (the group is linked, just not to a project of theirs)."""
    return Reply().say(
        actor.t(
            "Sorry, {name}: this group belongs to a project you are not in.",
            name=actor.user.display_name,
        )
    )


def is_lead(m: Membership) -> bool:
    """Coordinator or founder: may invite and manage (founders are TwinSpace admins)."""
    return m.role == Role.COORDINATOR or m.founder


def lead_of(session: Session, project_id: int, user_id: int) -> Membership | None:
    """The user's membership if they lead the project (coordinator or founder), else None."""
    m = teams.membership(session, project_id=project_id, user_id=user_id)
    return m if m is not None and is_lead(m) else None


def only_private(actor: Actor) -> Reply:
    return Reply().say(
        actor.t("Let's do this in a private chat with me."),
        [[private_chat_button(actor)]],
    )


def private_chat_button(actor: Actor) -> Button:
    return Button(actor.t("Open a private chat with me"), url=actor.deep_link("hi"))


def too_many_projects(session: Session, actor: Actor) -> Reply | None:
    """The answer when the teacher is in as many projects as one may be, else None."""
    if teams.project_count(session, user_id=actor.user.id) < teams.PROJECTS_MAX:
        return None
    return Reply().say(
        actor.t(
            "You are in {most} projects, as many as one teacher can be in. /leave one that has ended first.",
            most=teams.PROJECTS_MAX,
        )
    )
