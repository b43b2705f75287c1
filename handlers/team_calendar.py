"""/calendar: the coming weeks for the whole team, as text and as a PNG timeline: each
partner's public holidays and school breaks, the deadlines, and the "common weeks" when
every school is in session (the window for joint activities and video meetings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from babel.dates import format_date
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import chart
from bot.context import Ctx
from bot.countries import flag
from bot.i18n import Html, Translator, escape, lines
from bot.reply import Message, Reply
from handlers.breaks import refresh_for_sender
from handlers.common import Actor, for_member, respond
from scheduler.calendar import Place, ReasonKind, common_weeks, why_not_working
from scheduler.moments import zone_of
from scheduler.openholidays import CREDIT
from scheduler.places import REASONS, team_places
from storage import deadlines
from storage.models import Membership, Project

WEEKS = 6


def lanes(places: list[tuple[str, Place]], first: date, days: int) -> list[chart.Lane]:
    """The data behind the timeline: per teacher, each day's reason to be off (or None)."""
    out = []
    for label, place in places:
        off = []
        for n in range(days):
            reason = why_not_working(first + timedelta(days=n), place)
            off.append(reason.kind.value if reason else None)
        out.append(chart.Lane(label, tuple(off)))
    return out


def _days_off_text(
    t: Translator, places: list[tuple[str, Place]], first: date, days: int
) -> list[Html]:
    """Per country: the holidays and breaks in the window (weekends go without saying;
    a teacher's own pause shows on their row of the timeline)."""
    seen: dict[str, list[str]] = {}
    for _label, place in places:
        if place.country in seen:
            continue
        items: list[str] = []
        school = replace(place, pauses=())
        for n in range(days):
            day = first + timedelta(days=n)
            reason = why_not_working(day, school, t.lang)
            if reason and reason.kind != ReasonKind.WEEKEND:
                item = f"{format_date(day, 'd MMM', locale=t.lang)}: {reason.name or t(REASONS[reason.kind])}"
                if not items or items[-1].split(": ", 1)[1] != item.split(": ", 1)[1]:
                    items.append(item)
        seen[place.country] = items
    return [
        lines(
            Html(f"<b>{flag(country)} {country}</b>"),
            *(Html(f"• {escape(i)}") for i in items or ["—"]),
        )
        for country, items in seen.items()
    ]


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
    parts += _days_off_text(t, places, first, days)
    if window:
        parts.append(
            lines(
                t("<b>Deadlines</b>"),
                *(
                    Html(
                        f"• {format_date(d.due_at.astimezone(zone).date(), 'd MMM', locale=t.lang)}: {escape(d.title)}"
                    )
                    for d in window
                ),
            )
        )
    shown = ", ".join(format_date(w, "d MMM", locale=t.lang) for w in common) or "—"
    parts.append(
        t(
            "<b>Common weeks</b> (every school in session, for joint work and video calls): {weeks}",
            weeks=shown,
        )
    )
    if any(p.breaks for _l, p in places):
        parts.append(Html(f"<i>{escape(CREDIT)}</i>"))
    reply = Reply().say(lines(*parts, blank=True))
    order = {uid: row for row, uid in enumerate(members)}
    marks = [
        (order[d.owner_id], (d.due_at.astimezone(zone).date() - first).days, d.title)
        for d in window
        if d.owner_id in order
    ]
    if places:
        legend = {kind.value: str(t(label)) for kind, label in REASONS.items()}
        picture = partial(chart.timeline, lanes(places, first, days), first, marks, legend)
        reply.messages.append(Message(t("Days off are shaded; ◆ marks a deadline."), photo=picture))
    return reply


async def on_calendar(update: Update, context: Ctx) -> None:
    """/calendar: refresh the school holidays if they are old, then show the weeks ahead."""
    await refresh_for_sender(update, context)
    await respond(update, context, for_member(calendar_view))


def handlers() -> list[BaseHandler]:
    return [CommandHandler("calendar", on_calendar)]
