"""/progress: the coordinator sees who has finished which questionnaire and can send the
others a private nudge (at most one a day per teacher)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import Html, escape, lines
from bot.reply import Button, Message, Reply
from handlers.agreements import AGREEMENTS
from handlers.common import Actor, for_member, member_of, respond
from handlers.partners import PARTNERS
from handlers.questionnaire import Questionnaire
from handlers.quiz import QUIZ
from storage import answers, teams
from storage.models import Membership, Project, Role, User

QUESTIONNAIRES: tuple[tuple[Questionnaire, str], ...] = (
    (PARTNERS, "/partners"),
    (AGREEMENTS, "/agree"),
    (QUIZ, "/quiz"),
)
NUDGE_GAP = timedelta(days=1)
CALLBACK = re.compile(r"^prog:(\d{1,12})$")


def _unfinished(session: Session, project_id: int, user_id: int) -> list[str]:
    """The commands of the questionnaires a teacher has not finished."""
    return [
        command
        for q, command in QUESTIONNAIRES
        if not q.complete(q.answers_of(session, project_id, user_id))
    ]


def board(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    if me.role != Role.COORDINATOR:
        return Reply().say(t("Only the project's coordinator sees the progress board."))
    rows: list[Html] = [t("<b>Who has finished what: {title}</b>", title=project.title)]
    someone_behind = False
    for m in teams.members(session, project_id=project.id):
        if m.user is None:
            continue
        missing = _unfinished(session, project.id, m.user.id)
        marks = "  ".join(
            f"{'✅' if command not in missing else '▫️'} {command}" for _q, command in QUESTIONNAIRES
        )
        rows.append(Html(f"{escape(m.user.display_name)}: {marks}"))
        someone_behind = someone_behind or (bool(missing) and m.user.id != actor.user.id)
    buttons = (
        [[Button(t("Remind the others"), data=f"prog:{project.id}")]] if someone_behind else []
    )
    return Reply().say(lines(*rows), buttons)


def remind(session: Session, actor: Actor, project_id: int) -> Reply:
    """Nudge every teacher who has something unfinished and was not nudged in the last day."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None or found[1].role != Role.COORDINATOR:
        return Reply(alert=t("Only the project's coordinator can send reminders."))
    project = found[0]
    last = answers.last_nudges(session, project_id=project_id)
    reply = Reply()
    sent = recent = 0
    for m in teams.members(session, project_id=project_id):
        user = m.user
        if user is None or user.id == actor.user.id:
            continue
        missing = _unfinished(session, project_id, user.id)
        if not missing:
            continue
        if user.id in last and actor.now - last[user.id] < NUDGE_GAP:
            recent += 1
            continue
        answers.record_nudge(session, project_id=project_id, user_id=user.id, now=actor.now)
        reply.say(_nudge_text(actor, user, project, missing), chat_id=user.id)
        sent += 1
    done = t(
        "Reminders sent: {sent}. Already reminded in the last 24 hours: {recent}.",
        sent=sent,
        recent=recent,
    )
    reply.messages.insert(0, Message(done, edit=True))
    return reply


def _nudge_text(actor: Actor, user: User, project: Project, missing: list[str]) -> Html:
    tt = actor.translator_for(user)
    return tt(
        "👋 A friendly reminder from {name} about <b>{title}</b>: please finish {commands}. Thank you!",
        name=actor.user.display_name,
        title=project.title,
        commands=", ".join(missing),
    )


async def on_progress(update: Update, context: Ctx) -> None:
    """/progress (coordinator, private)."""
    await respond(update, context, for_member(board, private_only=True))


async def on_remind(update: Update, context: Ctx) -> None:
    """The "remind the others" button: prog:<project>."""
    assert update.callback_query is not None and update.callback_query.data is not None
    match = CALLBACK.match(update.callback_query.data)
    project_id = int(match.group(1)) if match else -1
    await respond(update, context, lambda s, a: remind(s, a, project_id))


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("progress", on_progress),
        CallbackQueryHandler(on_remind, pattern="^prog:"),
    ]
