"""/mydata sends a teacher everything stored about them; /forgetme deletes it."""

from __future__ import annotations

import json

from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import Translator
from bot.reply import Button, Document, Message, Reply
from handlers.common import Actor, only_private, respond
from scheduler.reminders.plans import teams_changed
from storage import teams, users
from storage.models import User


def my_data(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    data = json.dumps(users.export_user(session, user=actor.user), ensure_ascii=False, indent=2)
    reply = Reply()
    reply.messages.append(
        Message(
            actor.t("Here is everything I keep about you."),
            document=Document("twincoach-my-data.json", data.encode()),
        )
    )
    return reply


def ask_forget(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    t = actor.t
    return Reply().say(
        t(
            "Delete your name, school, contacts and settings? Your teams keep an anonymous place "
            "for you, so their history stays whole. This cannot be undone."
        ),
        [[Button(t("Yes, delete my data"), data="forget:yes"), Button(t("No"), data="forget:no")]],
    )


def forget(session: Session, actor: Actor) -> Reply:
    t = actor.t
    reply = Reply().edit(
        t("Done: your data is deleted. If you write to me again, I will start from scratch.")
    )
    left = users.forget_user(session, user=actor.user)
    teams_changed(session, [project.id for project, _heir in left if project.id], actor.now)
    for project, heir_id in left:
        if heir_id is None:
            continue
        heir = session.get(User, heir_id)
        if heir is not None:
            tt = actor.translator_for(heir)
            reply.say(
                tt(
                    "You coordinate <b>{title}</b> now: the previous coordinator left. /members lets you manage the team.",
                    title=project.title,
                ),
                chat_id=heir.id,
            )
        for group in teams.group_chats(session, project_id=project.id or 0):
            gt = Translator(group.language)
            reply.say(
                gt("A teacher left the project and deleted their data."), chat_id=group.chat_id
            )
    actor.scratch.clear()
    return reply


async def on_mydata(update: Update, context: Ctx) -> None:
    """/mydata: a JSON file with the teacher's data."""
    await respond(update, context, my_data)


async def on_forgetme(update: Update, context: Ctx) -> None:
    """/forgetme: asks to confirm."""
    await respond(update, context, ask_forget)


async def on_forget_answer(update: Update, context: Ctx) -> None:
    """Yes deletes the teacher's data (and their dialog scratchpad); No changes nothing."""
    assert update.callback_query is not None
    if update.callback_query.data != "forget:yes":
        await respond(update, context, lambda _s, a: Reply().edit(a.t("Nothing changed.")))
        return
    await respond(update, context, forget)
    if update.effective_user is not None:
        context.application.drop_user_data(update.effective_user.id)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("mydata", on_mydata),
        CommandHandler("forgetme", on_forgetme),
        CallbackQueryHandler(on_forget_answer, pattern="^forget:"),
    ]
