"""/calendar: the coming weeks for the whole team, as text and as a PNG timeline: each
partner's public holidays and school breaks, the deadlines, and the "common weeks" when
every school is in session (the window for joint activities and video meetings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from babel.dates import format_interval, format_skeleton
from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot import timeline
from bot.context import Ctx
from bot.i18n import N_, Html, Translator, escape, lines
from bot.reply import Message, Reply, clip
from bot.rules.calendar import Break, Place, ReasonKind, common_weeks, shown_name, why_not_working
from bot.rules.countries import flag
from handlers.breaks import refresh_for_sender
from handlers.buttons import Flow
from handlers.guards import for_member
from handlers.step import Actor, respond
from scheduler import regions
from scheduler.moments import zone_of
from scheduler.openholidays import CREDIT
from scheduler.places import REASONS, team_places
from storage import deadlines
from storage.models import Membership, Project

WEEKS = 6
DATES = "MMMd"  # the reader's short date ("22. dec.", "Dec 22"), ranges by Babel too
TITLE_ON_CHART = 30  # characters of a deadline's title beside its date under the picture
SAME_HOLIDAY = 3  # days apart at most for one holiday's days to be one range (a weekend between)
Spell = tuple[date, date, str]  # first and last day, the name shown
# What the picture's legend says, besides the reasons a day is off.
LEGEND = {
    timeline.COMMON: N_("common week"),
    timeline.DEADLINE: N_("deadline"),
}


def _day(t: Translator, day: date) -> str:
    return format_skeleton(DATES, day, locale=t.lang)


def _days(t: Translator, start: date, end: date) -> str:
    """One day, or a range as the reader's locale writes it ("22. dec. – 3. janv.")."""
    return _day(t, start) if start == end else format_interval(start, end, DATES, locale=t.lang)


def lanes(places: list[tuple[str, Place]], first: date, days: int) -> list[timeline.Lane]:
    """The data behind the timeline: per teacher, each day's reason to be off (or None)
    as their school has it, and their own pauses as (first, last) days in the window."""
    out = []
    for label, place in places:
        school = replace(place, pauses=())
        off = []
        for n in range(days):
            reason = why_not_working(first + timedelta(days=n), school)
            off.append(reason.kind.value if reason else None)
        away = tuple(
            (max((p.start - first).days, 0), min((p.end - first).days, days - 1))
            for p in place.pauses
            if p.end >= first and (p.start - first).days < days
        )
        out.append(timeline.Lane(label, tuple(off), away))
    return out


def days_off_text(
    t: Translator, places: list[tuple[str, Place]], first: date, days: int
) -> list[Html]:
    """Per country: the public holidays on working days, and every school break that
    touches the window in full, one line each, by date (weekends go without saying; a
    teacher's own pause shows on their row of the timeline). Names are in the reader's
    language where known, else the country's own with the country named."""
    last = first + timedelta(days=days - 1)
    schools: dict[tuple[str, str | None], list[Place]] = {}
    for _label, place in places:  # a country's regions may differ: one section each
        schools.setdefault((place.country, place.subdivision), []).append(place)
    parts = []
    for (country, region), same in schools.items():
        items = _holidays(t, Place(country, region), first, days)
        found = {b for p in same for b in p.breaks if b.start <= last and b.end >= first}
        items += [(b.start, b.end, _break_name(t, b, country)) for b in found]
        where = f"{country} · {regions.name(country, region, t.lang)}" if region else country
        parts.append(
            lines(
                Html(f"<b>{flag(country)} {escape(where)}</b>"),
                *(Html(f"• {escape(_days(t, a, b))}: {escape(n)}") for a, b, n in sorted(items)),
                *([] if items else [Html("• —")]),
            )
        )
    return parts


def _break_name(t: Translator, school_break: Break, country: str) -> str:
    if not school_break.name.strip():
        return t(REASONS[ReasonKind.SCHOOL_BREAK])
    return shown_name(school_break.name, country, t.lang)


def _holidays(t: Translator, place: Place, first: date, days: int) -> list[Spell]:
    """The public holidays on the place's working days; a holiday of several days (over a
    weekend too) is one range."""
    out: list[Spell] = []
    for n in range(days):
        day = first + timedelta(days=n)
        reason = why_not_working(day, place, t.lang)
        if reason is None or reason.kind != ReasonKind.PUBLIC_HOLIDAY:
            continue
        name = reason.name or t(REASONS[reason.kind])
        if out and out[-1][2] == name and (day - out[-1][1]).days <= SAME_HOLIDAY:
            out[-1] = (out[-1][0], day, name)
        else:
            out.append((day, day, name))
    return out


def calendar_view(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    first = actor.now.astimezone(zone_of(actor.user)).date()
    days = WEEKS * 7
    members = team_places(session, project.id)
    places = [
        (f"{p.country} · {u.display_name}"[:24], p) for u, p in members.values()
    ]  # no emoji font
    found = deadlines.open_(session, project_id=project.id)
    zone = zone_of(actor.user)
    window = [d for d in found if 0 <= (d.due_at.astimezone(zone).date() - first).days < days]
    common = common_weeks(first, first + timedelta(days=days - 1), [p for _l, p in places])
    parts = [
        t(
            "<b>Team calendar: {title}</b> (the next {weeks} weeks)",
            title=project.title,
            weeks=WEEKS,
        )
    ]
    parts += days_off_text(t, places, first, days)
    if window:
        parts.append(
            lines(
                t("<b>Deadlines</b>"),
                *(
                    Html(f"• {_day(t, d.due_at.astimezone(zone).date())}: {escape(d.title)}")
                    for d in window
                ),
            )
        )
    shown = ", ".join(_day(t, w) for w in common) or "—"
    parts.append(
        t(
            "<b>Common weeks</b> (every school in session, for joint work and video calls): {weeks}",
            weeks=shown,
        )
    )
    if any(p.breaks for _l, p in places):
        parts.append(Html(f"<i>{escape(CREDIT)}</i>"))
    reply = Reply().say(lines(*parts, blank=True))
    if places:
        order = {uid: row for row, uid in enumerate(members)}
        marks = []
        for d in window:
            due = d.due_at.astimezone(zone).date()
            if d.owner_id in order:
                label = f"{_day(t, due)} · {clip(d.title, TITLE_ON_CHART)}"
                marks.append(timeline.Mark(order[d.owner_id], (due - first).days, label))
        drawn = _picture(
            t,
            title=project.title,
            places=places,
            first=first,
            days=days,
            marks=marks,
            common=common,
        )
        picture = partial(timeline.timeline, drawn)
        reply.messages.append(Message(t("Days off are shaded; ◆ marks a deadline."), photo=picture))
    return reply


def _picture(
    t: Translator,
    *,
    title: str,
    places: list[tuple[str, Place]],
    first: date,
    days: int,
    marks: list[timeline.Mark],
    common: list[date],
) -> timeline.Timeline:
    """What the timeline shows, in the reader's words and dates."""
    words = {kind.value: str(t(label)) for kind, label in REASONS.items()}
    every = [first + timedelta(days=n) for n in range(days)]
    return timeline.Timeline(
        title=str(t("Team calendar")),
        subtitle=title,
        dates=tuple(_day(t, day) for day in every),
        mondays=tuple(n for n, day in enumerate(every) if day.weekday() == 0),
        lanes=lanes(places, first, days),
        common=[(monday - first).days for monday in common],
        marks=marks,
        legend=words | {key: str(t(label)) for key, label in LEGEND.items()},
    )


async def on_calendar(update: Update, context: Ctx) -> None:
    """/calendar: refresh the school holidays if they are old, then show the weeks ahead."""
    await refresh_for_sender(update, context)
    await respond(update, context, for_member(calendar_view))


FLOW = Flow(commands=(CommandHandler("calendar", on_calendar),))
