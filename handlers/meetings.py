"""/meeting: the team's regular online meeting (e.g. every second Tuesday at 16:00 Riga
time). Each member hears on their last working day before it, in their own language and
time zone (scheduler/reminders)."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import get_day_names
from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Translator
from bot.reply import Reply
from bot.timetag import WEEKDAY_AND_TIME, time_tag
from handlers import forms
from handlers.buttons import Flow
from handlers.guards import for_member, is_lead, member_of
from handlers.step import Actor, respond
from scheduler.moments import city, zone_of
from scheduler.reminders.plans import meeting_after, teams_changed
from storage import teams
from storage.models import Meeting, Membership, Project

NOTICE = timedelta(days=1)
TIMES = ("14:00", "15:00", "16:00", "17:00")
CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def _weekday_choices(who: forms.Teacher) -> list[forms.Choice]:
    names = get_day_names("wide", locale=who.t.lang)
    return [forms.Choice(names[d], str(d)) for d in range(5)]


def _clock(value: str, _asking: forms.Asking) -> str:
    match = CLOCK.match(value)
    if match is None:
        raise forms.Invalid("Please tap a time or type one such as 16:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _save(session: Session, actor: Actor, answers: forms.Answers, state: forms.State) -> Reply:
    t = actor.t
    found = member_of(session, actor, state["project"])
    weekday, at, every = answers.get("weekday"), answers.get("at"), answers.get("every")
    if found is None or not is_lead(found[1]) or weekday is None or at is None or every is None:
        return Reply().say(t("Only the coordinator and the founders can set the team meeting."))
    project = found[0]
    assert project.id is not None
    zone = zone_of(actor.user)
    today = actor.now.astimezone(zone).date()
    first = today + timedelta(days=(int(weekday) - today.weekday()) % 7)
    meeting = session.get(Meeting, project.id) or Meeting(
        project_id=project.id, weekday=0, at=at, zone=str(zone), first=first
    )
    meeting.weekday, meeting.at, meeting.zone = int(weekday), at, str(zone)
    meeting.every_weeks, meeting.first, meeting.created_by = int(every), first, actor.user.id
    session.add(meeting)
    session.flush()
    teams_changed(session, [project.id], actor.now)
    day = get_day_names("wide", locale=t.lang)[int(weekday)]
    reply = Reply().say(
        t.tn(
            "📹 Saved: every week on {day} at {time} ({zone}). Each member hears the day before, in their own time.",
            "📹 Saved: every {n} weeks on {day} at {time} ({zone}). Each member hears the day before, in their own time.",
            int(every),
            day=day,
            time=at,
            zone=str(zone),
        )
    )
    next_meeting = meeting_after(meeting, actor.now)
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        here = gt(
            "{day} at {time} ({zone})",
            day=get_day_names("wide", locale=gt.lang)[int(weekday)],
            time=at,
            zone=city(gt, zone),
        )
        note = gt.tn(
            "📹 Team meeting: every week on {when}. I remind each of you the day before, in your own time.",
            "📹 Team meeting: every {n} weeks on {when}. I remind each of you the day before, in your own time.",
            int(every),
            when=time_tag(next_meeting, here, WEEKDAY_AND_TIME),
        )
        reply.say(note, chat_id=group.chat_id)
    return reply


FORM = forms.Form(
    name="meeting",
    fields=(
        forms.Field(
            "weekday",
            N_("On which day do you meet?"),
            parse=lambda v, a: _choice(v, ("0", "1", "2", "3", "4")),
            kind=forms.Kind.CHOICE,
            choices=_weekday_choices,
            per_row=3,
        ),
        forms.Field(
            "at",
            N_("At what time (your time zone)? Tap one or type it, such as 16:30."),
            parse=_clock,
            choices=lambda a: [forms.Choice(h, h) for h in TIMES],
            per_row=4,
        ),
        forms.Field(
            "every",
            N_("How often?"),
            parse=lambda v, a: _choice(v, ("1", "2", "4")),
            kind=forms.Kind.CHOICE,
            choices=lambda a: [
                forms.Choice(a.t.tn("every week", "every {n} weeks", n), str(n)) for n in (1, 2, 4)
            ],
            per_row=3,
        ),
    ),
    finish=_save,
    command="/meeting",
)
FORMS = [FORM]


def _choice(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise forms.Invalid("Please tap one of the buttons below.")
    return value


def start(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    t = actor.t
    if not is_lead(me):
        return Reply().say(t("Only the coordinator and the founders can set the team meeting."))
    intro = t("The team's regular meeting for <b>{title}</b>: three taps.", title=project.title)
    return forms.begin(session, actor, FORM, intro=intro, extra={"project": project.id})


async def on_meeting(update: Update, context: Ctx) -> object:
    """/meeting (coordinator, founders, private): day, time and rhythm of the team meeting."""
    return await respond(update, context, for_member(start, private_only=True))


FLOW = Flow(opens=(CommandHandler("meeting", on_meeting),))
