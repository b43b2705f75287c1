"""/forgetme: a teacher's data deleted at their word, after one confirmation.

storage/privacy.py decides, table by table, what forgetting deletes and what the team keeps
without the teacher's name; here the teams are told and their reminders follow.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import Translator
from bot.reply import Button, Reply
from handlers import quiz
from handlers.buttons import Flow, remainder, route
from handlers.guards import only_private
from handlers.step import Actor, respond
from scheduler.reminders.plans import teams_changed
from storage import privacy, teams
from storage.models import User


def ask_forget(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    t = actor.t
    return Reply().say(
        t(
            "Delete your data? Your profile, answers, time away and reminders are deleted. What "
            "you made with your teams (the plan, agreed wordings, deadlines, school breaks) stays "
            "without your name, and your place in each team becomes anonymous. /mydata sends you "
            "a copy first. This cannot be undone."
        ),
        [[Button(t("Yes, delete my data"), data="forget:yes"), Button(t("No"), data="forget:no")]],
    )


def forget(session: Session, actor: Actor) -> Reply:
    """One transaction: the teacher's data goes (storage/privacy.py), their teams'
    reminders are planned again without them, a new coordinator and the groups are told,
    and the groups' quiz posts no longer name them."""
    t = actor.t
    reply = Reply().edit(
        t("Done: your data is deleted. If you write to me again, I will start from scratch.")
    )
    left = privacy.forget(session, user=actor.user)
    teams_changed(session, left.kept, actor.now)
    for project, heir_id in left.heirs:
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
    for project in teams.projects(session, project_ids=left.kept):
        assert project.id is not None
        for group in teams.group_chats(session, project_id=project.id):
            gt = Translator(group.language)
            reply.say(
                gt("A teacher left the project and deleted their data."), chat_id=group.chat_id
            )
        quiz.refresh_group_posts(session, actor, project, reply)
    actor.scratch.clear()
    return reply


async def on_forgetme(update: Update, context: Ctx) -> None:
    """/forgetme: asks to confirm."""
    await respond(update, context, ask_forget)


async def on_forget_answer(update: Update, context: Ctx, answer: tuple[str]) -> None:
    """Yes deletes the teacher's data (and their dialog scratchpad); No changes nothing."""
    if answer != ("yes",):
        await respond(update, context, lambda _s, a: Reply().edit(a.t("Nothing changed.")))
        return
    await respond(update, context, forget)
    if update.effective_user is not None:
        context.application.drop_user_data(update.effective_user.id)


# forget:yes|no under /forgetme; anything but yes is No.
FLOW = Flow(
    commands=(CommandHandler("forgetme", on_forgetme),),
    buttons=(route("forget", (remainder(r".*"),), press=on_forget_answer),),
)
