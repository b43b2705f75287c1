"""/deadline and /deadlines: the flow's commands and buttons. The dialog is
handlers/deadline_form.py, "more time" and the coordinator's decision
handlers/more_time.py, the news to the team handlers/deadline_news.py; this module lists
what is coming, in the reader's own zone."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import Html, lines
from bot.reply import Reply
from handlers import deadline_form, more_time
from handlers.buttons import Flow
from handlers.guards import for_member
from handlers.step import Actor, respond
from scheduler.moments import shared_when, zone_of
from scheduler.reminders.render import deadline_lines
from storage import deadlines
from storage.models import Membership, Project

FORMS = [deadline_form.FORM, more_time.MORE_TIME]  # registered with the others (dialogs.py)


def upcoming(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """Open deadlines, soonest first, each shown in the reader's (or group's) language and zone."""
    assert project.id is not None
    t = actor.t
    rows = deadlines.open_(session, project_id=project.id, start=actor.now)
    if not rows:
        return Reply().say(t("No open deadlines. /deadline adds one."))
    zone = zone_of(actor.user)
    title = t("<b>Deadlines: {title}</b>", title=project.title)
    if not actor.private:  # a group: each member's own clock; old clients see the city
        return Reply().say(
            lines(
                title, *deadline_lines(session, t, project.id, list(rows), zone, show=shared_when)
            )
        )
    items = deadline_lines(session, t, project.id, list(rows), zone)
    note = t("Times are in {zone}.", zone=str(zone))
    return Reply().say(lines(title, *items, Html(f"<i>{note}</i>")))


async def on_deadline(update: Update, context: Ctx) -> object:
    """/deadline (private): title, owner, date in plain words, confirm."""
    return await respond(update, context, for_member(deadline_form.start, private_only=True))


async def on_deadlines(update: Update, context: Ctx) -> None:
    """/deadlines: the coming deadlines."""
    await respond(update, context, for_member(upcoming))


FLOW = Flow(
    commands=(CommandHandler("deadlines", on_deadlines),),
    opens=(CommandHandler("deadline", on_deadline),),
)
