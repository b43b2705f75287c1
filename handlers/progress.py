"""/progress: the coordinator sees how much of each questionnaire every teacher has
answered (✅ only when all of it) and can send the others a private nudge (at most one a
day per teacher) whose buttons open the questionnaires of the project it names."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import Html, Translator, escape, lines
from bot.reply import Button, Keyboard, Message, Reply, rows
from handlers.agreements import AGREEMENTS
from handlers.buttons import ID, Flow, anything, route
from handlers.guards import for_member, member_of
from handlers.partners import PARTNERS
from handlers.questionnaire import Questionnaire
from handlers.quiz import QUIZ
from handlers.step import Actor, respond
from storage import answers, teams
from storage.models import Membership, Project, Role, User

QUESTIONNAIRES: tuple[Questionnaire, ...] = (PARTNERS, AGREEMENTS, QUIZ)
NUDGE_GAP = timedelta(days=1)


def answered(session: Session, project_id: int, user_id: int) -> list[tuple[Questionnaire, int]]:
    """How many questions of each questionnaire a teacher has answered (skipped: not)."""
    return [(q, q.answered(q.answers_of(session, project_id, user_id))) for q in QUESTIONNAIRES]


def unfinished(session: Session, project_id: int, user_id: int) -> list[Questionnaire]:
    """The questionnaires with a question the teacher has not answered, in the guide's order."""
    return [q for q, n in answered(session, project_id, user_id) if n < len(q.fields)]


def _mark(q: Questionnaire, n: int) -> str:
    """ "✅ /partners" when all is answered, else "/agree 12/15"."""
    total = len(q.fields)
    return f"✅ {q.command}" if n == total else f"{q.command} {n}/{total}"


def board(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    if me.role != Role.COORDINATOR:
        return Reply().say(t("Only the project's coordinator sees the progress board."))
    out: list[Html] = [t("<b>Who has finished what: {title}</b>", title=project.title)]
    someone_behind = False
    for m in teams.members(session, project_id=project.id):
        if m.user is None:
            continue
        done = answered(session, project.id, m.user.id)
        marks = "  ·  ".join(_mark(q, n) for q, n in done)
        out.append(Html(f"{escape(m.user.display_name)}: {marks}"))
        behind = any(n < len(q.fields) for q, n in done)
        someone_behind = someone_behind or (behind and m.user.id != actor.user.id)
    buttons = (
        [[Button(t("Remind the others"), data=f"prog:{project.id}")]] if someone_behind else []
    )
    return Reply().say(lines(*out), buttons)


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
        missing = unfinished(session, project_id, user.id)
        if not missing:
            continue
        if user.id in last and actor.now - last[user.id] < NUDGE_GAP:
            recent += 1
            continue
        answers.record_nudge(session, project_id=project_id, user_id=user.id, now=actor.now)
        reply.say(*_nudge(actor, user, project, missing), chat_id=user.id)
        sent += 1
    done = t(
        "Reminders sent: {sent}. Already reminded in the last 24 hours: {recent}.",
        sent=sent,
        recent=recent,
    )
    reply.messages.insert(0, Message(done, edit=True))
    return reply


def _nudge(
    actor: Actor, user: User, project: Project, missing: list[Questionnaire]
) -> tuple[Html, Keyboard]:
    """The nudge in the reader's language, with a button per questionnaire that opens it
    in this project: a typed /agree would open whichever project is active for them."""
    tt = actor.translator_for(user)
    text = tt(
        "👋 A friendly reminder from {name} about <b>{title}</b>: please finish {commands}. The buttons below open them in this project. Thank you!",
        name=actor.user.display_name,
        title=project.title,
        commands=", ".join(q.command for q in missing),
    )
    return text, rows([_open_button(tt, q, project) for q in missing], 1)


def _open_button(tt: Translator, q: Questionnaire, project: Project) -> Button:
    return Button(tt(q.title), data=f"qn:{q.id}:{project.id}:open")


async def on_progress(update: Update, context: Ctx) -> None:
    """/progress (coordinator, private)."""
    await respond(update, context, for_member(board, private_only=True))


# The "remind the others" button: prog:<project> (other data: a project not theirs).
FLOW = Flow(
    commands=(CommandHandler("progress", on_progress),),
    buttons=(route("prog", (anything(ID, -1),), remind),),
)
