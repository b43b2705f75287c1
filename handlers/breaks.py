"""/breaks: the school holidays of every partner's country. Fetched from the OpenHolidays
API (cached, refreshed weekly), or entered by a member where the API has nothing or their
school differs ("/breaks add 22.12.2026–03.01.2027 Ziemassvētku brīvlaiks"), or sent as
an .ics file. A member's entry is shared with the project's partners from that country."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from functools import partial

import httpx
from icalendar import Calendar
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import Ctx
from bot.countries import country_name, flag
from bot.i18n import Html, escape, lines
from bot.reply import Reply
from handlers.common import Actor, for_member, respond
from scheduler import openholidays
from scheduler.places import HOLIDAY_COUNTRIES
from scheduler.reminders.plans import replan_teams, teams_changed
from storage import breaks, teams
from storage.db import Database
from storage.models import Membership, Project

log = logging.getLogger(__name__)

NAME_MAX = 200
AHEAD = timedelta(days=365)
DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})"
RANGE = re.compile(
    rf"^\s*(?:{DATE})\s*(?:–|—|-|līdz|iki|to|until)\s*(?:{DATE})\s*(.*)$", re.IGNORECASE
)


def _date(parts: tuple[str | None, ...]) -> date:
    """One date from the regex groups: day.month.year, or year-month-day."""
    d, m, y, iy, im, iday = (int(p) if p else 0 for p in parts)
    return date(y, m, d) if d else date(iy, im, iday)


def parse_range(text: str) -> tuple[date, date, str] | None:
    """ "22.12.2026–03.01.2027 Winter break" → (start, end, name); None if it is not that."""
    match = RANGE.match(text)
    if match is None:
        return None
    groups = match.groups()
    try:
        start, end = _date(groups[0:6]), _date(groups[6:12])
    except ValueError:
        return None
    name = groups[12].strip()
    if end < start or not name:
        return None
    return start, end, name


async def refresh(db: Database, base_url: str, countries: set[str], now: datetime) -> None:
    """Fetch the school holidays of countries not fetched this week. A failure is logged
    and tried again next time: the calendar works with what it has."""
    if not base_url:  # switched off (the offline console)
        return
    wanted = await db.run(lambda s: breaks.stale(s, countries=countries, now=now))
    if not wanted:
        return
    async with httpx.AsyncClient(timeout=10) as client:
        for country in wanted:
            try:
                fetched = await openholidays.school_holidays(
                    client,
                    base_url,
                    country,
                    start=now.date() - timedelta(days=30),
                    end=now.date() + AHEAD,
                    lang="en",
                )
            except (httpx.HTTPError, ValueError, KeyError):
                log.warning("could not fetch school holidays of %s", country, exc_info=True)
                continue
            rows = [
                (h.start, h.end, h.name, sub)
                for h in fetched
                for sub in (h.subdivisions or (None,))
            ]
            await db.run(partial(breaks.replace_fetched, country=country, rows=rows))
            await _replan_country(db, country, now)
            # Only now: a crash before this line leaves the country stale, so the next
            # refresh fetches it again and re-plans every team.
            await db.run(partial(breaks.mark_fetched, country=country, now=now))


async def _replan_country(db: Database, country: str, now: datetime) -> None:
    """The reminders of every team with a teacher in `country` follow its new breaks."""
    project_ids = await db.run(lambda s: teams.projects_with_country(s, country=country))
    await replan_teams(db, project_ids, now)


def overview(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    team = teams.members(session, project_id=project.id)
    countries = sorted({m.membership.country for m in team if m.membership.country})
    today = actor.now.date()
    rows = [
        b
        for b in breaks.for_project(session, project_id=project.id, countries=countries)
        if b.end >= today and b.start <= today + AHEAD
    ]
    parts = [t("<b>School breaks: {title}</b>", title=project.title)]
    for country in countries:
        mine = [b for b in rows if b.country == country]
        items = [
            Html(f"• {b.start:%d.%m.%Y} – {b.end:%d.%m.%Y}: {escape(b.name)}") for b in mine
        ] or [t("(none known yet)")]
        parts.append(
            lines(Html(f"<b>{flag(country)} {escape(country_name(country, t.lang))}</b>"), *items)
        )
    parts.append(
        t(
            "Add your school's own breaks: /breaks add 22.12.2026–03.01.2027 Winter break, or send me an .ics file."
        )
    )
    if any(b.source == "openholidays" for b in rows):
        parts.append(Html(f"<i>{escape(openholidays.CREDIT)}</i>"))
    return Reply().say(lines(*parts, blank=True))


def add_break(session: Session, actor: Actor, project: Project, me: Membership, text: str) -> Reply:
    t = actor.t
    found = parse_range(text)
    if found is None:
        return Reply().say(t("Write it like this: /breaks add 22.12.2026–03.01.2027 Winter break"))
    country = me.country
    if country is None:
        return Reply().say(t("Tell me your school's country first: /profile"))
    start, end, name = found
    assert project.id is not None
    breaks.add(
        session,
        project_id=project.id,
        country=country,
        start=start,
        end=end,
        name=name[:NAME_MAX],
        by=actor.user.id,
    )
    teams_changed(session, [project.id], actor.now)  # no reminder on the new days off
    return Reply().say(
        t(
            "Added for {country}: {name}, {start} – {end}. Your partners from {country} see it too.",
            country=country_name(country, t.lang),
            name=name,
            start=f"{start:%d.%m.%Y}",
            end=f"{end:%d.%m.%Y}",
        )
    )


def import_ics(
    session: Session, actor: Actor, project: Project, me: Membership, content: bytes
) -> Reply:
    """Every all-day or timed event of the file becomes a break of the sender's country."""
    t = actor.t
    if me.country is None:
        return Reply().say(t("Tell me your school's country first: /profile"))
    assert project.id is not None
    try:
        events = list(Calendar.from_ical(content).walk("VEVENT"))
    except ValueError:
        return Reply().say(t("I could not read that calendar file. Is it an .ics export?"))
    added = 0
    for event in events:
        start, end = event.decoded("dtstart", None), event.decoded("dtend", None)
        if start is None:
            continue
        first = start.date() if isinstance(start, datetime) else start
        last = (
            (end.date() if isinstance(end, datetime) else end - timedelta(days=1)) if end else first
        )
        name = str(event.get("summary", "")) or t("School break")
        breaks.add(
            session,
            project_id=project.id,
            country=me.country,
            start=first,
            end=max(first, last),
            name=name,
            by=actor.user.id,
            source="ics",
        )
        added += 1
    teams_changed(session, [project.id], actor.now)
    country = country_name(me.country, t.lang)  # not inside t.tn(): Babel would misread it
    note = t.tn(
        "Added {n} break for {country} from the file.",
        "Added {n} breaks for {country} from the file.",
        added,
        country=country,
    )
    return Reply().say(note)


async def refresh_for_sender(update: Update, context: Ctx) -> None:
    """Before showing breaks: fetch what is missing for the team's countries."""
    user = update.effective_user
    if user is None:
        return

    def countries(s: Session) -> set[str]:
        mine = teams.user_projects(s, user_id=user.id)
        return {
            m.membership.country
            for p in mine
            for m in teams.members(s, project_id=p.id or 0)
            if m.membership.country in HOLIDAY_COUNTRIES
        }

    wanted = await context.db.run(countries)
    await refresh(context.db, context.settings.openholidays_url, wanted, datetime.now(UTC))


async def on_breaks(update: Update, context: Ctx) -> None:
    """/breaks, or /breaks add <from>–<to> <name>."""
    args = " ".join(context.args or [])
    if args.lower().startswith("add"):
        text = args[3:]
        await respond(update, context, for_member(lambda s, a, p, m: add_break(s, a, p, m, text)))
        return
    await refresh_for_sender(update, context)
    await respond(update, context, for_member(overview))


async def on_ics_file(update: Update, context: Ctx) -> None:
    """An .ics file sent privately: its events become school breaks."""
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    content = bytes(await file.download_as_bytearray())
    await respond(
        update,
        context,
        for_member(lambda s, a, p, m: import_ics(s, a, p, m, content), private_only=True),
    )


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("breaks", on_breaks),
        MessageHandler(
            filters.UpdateType.MESSAGE  # not a caption edited later: imported once
            & filters.ChatType.PRIVATE
            & filters.Document.FileExtension("ics"),
            on_ics_file,
        ),
    ]
