"""/ics: the team's calendar as an .ics file (deadlines, the regular meeting, school
breaks and every member country's public holidays for the coming year), importable into
Google Calendar and Outlook. UIDs are stable, so importing a newer file updates events
instead of doubling them.

Zones: the weekly meeting is written on its own wall clock (DTSTART;TZID=<meeting zone>
plus that zone's VTIMEZONE), so its RRULE keeps 16:00 Riga time across daylight-saving
changes; anchored in UTC it would move by an hour in summer. Deadlines are single moments
stored in UTC and are written in UTC: each member's calendar shows them in its own zone,
and one shared file suits readers in several countries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.reply import Document, Message, Reply
from bot.rules.calendar import Break, holiday_name
from bot.rules.countries import country_name, flag
from handlers.buttons import Flow
from handlers.guards import for_member
from handlers.step import Actor, respond
from scheduler.openholidays import CREDIT
from scheduler.places import HOLIDAY_COUNTRIES, team_breaks
from scheduler.reminders.plans import meeting_after
from storage import breaks, deadlines, teams
from storage.models import Meeting, Membership, Project

if TYPE_CHECKING:
    from icalendar import Event

DAYS_AHEAD = 365
# A deadline is a short event that *ends* at the deadline, so 23:59 stays on its own day.
DEADLINE_LENGTH = timedelta(minutes=30)
MEETING_LENGTH = timedelta(hours=1)
# How far the generated VTIMEZONE rules reach; the meeting's RRULE has no end.
ZONE_YEARS = 20


def team_calendar(session: Session, actor: Actor, project: Project) -> bytes:
    from icalendar import Calendar  # noqa: PLC0415 - ~2 MB, only when a file is asked for

    assert project.id is not None
    t = actor.t
    cal = Calendar()
    cal.add("prodid", "-//TwinCoach//eTwinning team calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", project.title)
    team = teams.members(session, project_id=project.id)
    names = {m.user.id: m.user.display_name for m in team if m.user}
    for d in deadlines.open_(session, project_id=project.id):
        event = _event(f"deadline-{d.id}@twincoach", actor.now)
        event.add("dtstart", d.due_at - DEADLINE_LENGTH)
        event.add("dtend", d.due_at)
        event.add("summary", f"⏰ {d.title}")
        event.add("description", names.get(d.owner_id or 0, ""))
        cal.add_component(event)
    found = breaks.for_project(session, project_id=project.id, countries=_countries(team))
    rows = [r for r in found if r.end >= actor.now.date()]  # not the snapshot's past years
    open_data = {Break(r.start, r.end, r.name) for r in rows if breaks.is_open_data(r.source)}
    for country, items in team_breaks(rows, team, t.lang).items():
        for number, (school_break, label) in enumerate(items):
            event = _break_event(country, number, school_break, label, lang=t.lang, now=actor.now)
            if school_break in open_data:
                event.add("description", CREDIT)
            cal.add_component(event)
    meeting = session.get(Meeting, project.id)
    if meeting is not None:
        cal.add_component(_meeting_event(meeting, project, actor.now))
    countries = _countries(team)
    today = actor.now.date()
    for country in countries:
        for offset in range(DAYS_AHEAD):
            day = today + timedelta(days=offset)
            name = holiday_name(day, country, lang=t.lang)
            if name is None:
                continue
            event = _event(f"holiday-{country}-{day.isoformat()}@twincoach", actor.now)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{flag(country)} {country_name(country, t.lang)}: {name}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    cal.add_missing_timezones(
        first_date=date(today.year, 1, 1), last_date=date(today.year + ZONE_YEARS, 1, 1)
    )
    return cal.to_ical()


def _break_event(
    country: str, number: int, school_break: Break, label: str, *, lang: str, now: datetime
) -> Event:
    """A whole-day, free-time event per break, as /breaks lists it for the team."""
    event = _event(f"break-{country}-{school_break.start:%Y%m%d}-{number}@twincoach", now)
    event.add("dtstart", school_break.start)
    event.add("dtend", school_break.end + timedelta(days=1))
    event.add("summary", f"{flag(country)} {country_name(country, lang)}: {label}")
    event.add("transp", "TRANSPARENT")
    return event


def _meeting_event(meeting: Meeting, project: Project, now: datetime) -> Event:
    """The recurring meeting, starting at `meeting.at` on the next meeting's local day in
    `meeting.zone` (not at the UTC moment), so the weekly RRULE keeps the local hour when
    the clocks change."""
    zone = ZoneInfo(meeting.zone)
    day = meeting_after(meeting, now).astimezone(zone).date()
    start = datetime.combine(day, time.fromisoformat(meeting.at), tzinfo=zone)
    event = _event(f"meeting-{project.id}@twincoach", now)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("rrule", {"freq": "weekly", "interval": meeting.every_weeks})
    event.add("summary", f"📹 {project.title}")
    return event


def _event(uid: str, now: datetime) -> Event:
    """An event with its stable UID, stamped `now`."""
    from icalendar import Event  # noqa: PLC0415 - see team_calendar

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    return event


def _countries(team: list[teams.Member]) -> list[str]:
    return sorted({m.membership.country for m in team if m.membership.country in HOLIDAY_COUNTRIES})


def export(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    content = team_calendar(session, actor, project)
    note = actor.t(
        "The team's calendar: deadlines and every member country's public holidays for a year. Import it into Google Calendar or Outlook."
    )
    return Reply(
        messages=[Message(note, document=Document(f"twincoach-{project.id}.ics", content))]
    )


async def on_ics(update: Update, context: Ctx) -> None:
    """/ics: the calendar file."""
    await respond(update, context, for_member(export))


FLOW = Flow(commands=(CommandHandler("ics", on_ics),))
