"""/breaks: the school holidays of every partner's country. Fetched from the OpenHolidays
API (cached, refreshed weekly by scheduler/break_refresh.py), or entered by a teacher
where the API has nothing or their school differs ("/breaks add 22.12.2026–03.01.2027
Ziemassvētku brīvlaiks"), or sent as an .ics file. An entry goes into the teacher's
country's shared calendar (handlers/shared_breaks.py says where it counts)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from functools import partial

from sqlmodel import Session
from telegram import Document, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import Ctx
from bot.countries import country_name, flag
from bot.i18n import N_, Html, escape, lines
from bot.reply import Button, Reply
from handlers import shared_breaks as shared
from handlers.buttons import button
from handlers.common import Actor, respond
from handlers.guards import for_member, stale
from scheduler import break_refresh, openholidays
from scheduler.dates import read_range
from scheduler.ics_import import (
    MAX_BYTES,
    MAX_EVENTS,
    Candidate,
    Unreadable,
    break_problem,
    read_breaks,
)
from scheduler.moments import zone_of
from scheduler.places import HOLIDAY_COUNTRIES, for_region, team_breaks
from scheduler.reminders.plans import teams_changed
from storage import breaks, shared_breaks, teams
from storage.models import Membership, Project, SchoolBreak

NAME_MAX = 200
AHEAD = timedelta(days=365)


def parse_range(text: str, today: date) -> tuple[date, date, str] | None:
    """ "22.12.2026–03.01.2027 Winter break", "no 22.12. līdz 3.01. Ziemassvētki" →
    (start, end, name), read as every date in the bot is (`scheduler.dates`); None
    without both days or without a name."""
    span = read_range(text, today)
    name = span.rest.strip(" –-:,") if span is not None else ""
    if span is None or span.start is None or not name:
        return None
    return span.start, span.end, name


def overview(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    """Per country: its nationwide breaks, then those of the regions of the team's
    members there (labelled with the region); no other region's."""
    assert project.id is not None
    t = actor.t
    team = teams.members(session, project_id=project.id)
    countries = {m.membership.country for m in team if m.membership.country}
    today = actor.now.date()
    counted = [
        b
        for b in breaks.for_project(session, project_id=project.id, countries=countries)
        if b.end >= today and b.start <= today + AHEAD
    ]
    waiting = shared.pending_elsewhere(session, sorted(countries), counted, today)
    not_counted = {b.id for b in waiting}
    shown = sorted([*counted, *waiting], key=lambda b: (b.start, b.id or 0))
    names = shared_breaks.names(
        session, user_ids=[u for b in shown for u in (b.created_by, b.confirmed_by)]
    )
    parts = [t("<b>School breaks: {title}</b>", title=project.title)]
    by_dates: dict[tuple[str, date, date, str], list[SchoolBreak]] = {}
    for row in shown:
        by_dates.setdefault((row.country, row.start, row.end, row.name), []).append(row)
    listed: list[SchoolBreak] = []
    for country, found in team_breaks(shown, team, t.lang).items():
        items = []
        for b, name in found:
            rows = by_dates[(country, b.start, b.end, b.name)]
            # one line for open data (a break of several regions is one break), one per entry
            mine = [r for r in rows if r.project_id is None][:1] + [
                r for r in rows if r.project_id is not None
            ]
            listed += mine
            items += [
                shared.break_line(r, r.id not in not_counted, names, actor, name) for r in mine
            ]
        parts.append(
            lines(
                Html(f"<b>{flag(country)} {escape(country_name(country, t.lang))}</b>"),
                *(items or [t("(none known yet)")]),
            )
        )
    parts.append(
        t(
            "Add your school's own breaks: /breaks add 22.12.2026–03.01.2027 Winter break, or send me an .ics file."
        )
    )
    buttons = shared.decision_buttons(session, actor, listed)
    if buttons:
        parts.append(
            t(
                "✅ confirms a break another teacher from your country entered; 🗑 removes a wrong one."
            )
        )
    if any(breaks.is_open_data(b.source) for b in listed):
        parts.append(Html(f"<i>{escape(openholidays.CREDIT)}</i>"))
    return Reply().say(lines(*parts, blank=True), buttons)


def add_break(session: Session, actor: Actor, project: Project, me: Membership, text: str) -> Reply:
    t = actor.t
    found = parse_range(text, actor.now.astimezone(zone_of(actor.user)).date())
    if found is None:
        return Reply().say(t("Write it like this: /breaks add 22.12.2026–03.01.2027 Winter break"))
    country = me.country
    if country is None:
        return Reply().say(t("Tell me your school's country first: /profile"))
    start, end, name = found
    problem = break_problem(start, end, actor.now.astimezone(zone_of(actor.user)).date())
    if problem == "long":
        return Reply().say(
            t(
                "{days} days is longer than any school break (about three months at most). Please check the dates.",
                days=(end - start).days + 1,
            )
        )
    if problem == "past":
        return Reply().say(t("That break is over already; add the ones still to come."))
    assert project.id is not None
    breaks.add(
        session,
        project_id=project.id,
        country=country,
        start=start,
        end=end,
        name=name[:NAME_MAX],
        by=actor.user.id,
        region=_region(actor, country),
    )
    _replan_author(session, actor, project.id)  # no reminder on the new days off
    return Reply().say(
        t(
            "Added for {country}: {name}, {start} – {end}. It counts for your teams now, and for other teams with a teacher from {country} once one of them confirms it in /breaks.",
            country=country_name(country, t.lang),
            name=name,
            start=f"{start:%d.%m.%Y}",
            end=f"{end:%d.%m.%Y}",
        )
    )


PENDING = "ics_import"  # scratch key: the breaks a teacher is asked to confirm
PREVIEW_LINES = 30
PARSE_SECONDS = 10.0
CONFIRM = re.compile(r"^ics:(\d{1,12}):(yes|no)$")
UNREADABLE = {
    "size": N_(
        "That file is larger than {most} KB. School holidays fit in a much smaller one: export only the holidays, or use /breaks add."
    ),
    "format": N_("I could not read that calendar file. Is it an .ics export?"),
    "events": N_(
        "That file has {text} events; I read at most {most}. Export only the school holidays, please."
    ),
    "breaks": N_(
        "That file has {text} whole-day events, more than a list of school breaks would have. Export only the holidays, please."
    ),
    "value": N_(
        "Line {line} of the file has a date I cannot read: “{text}”. Fix it in your calendar and send the file again."
    ),
    "slow": N_(
        "Reading that file took too long. Export only the school holidays and send it again."
    ),
}
LIMIT_OF = {"size": MAX_BYTES // 1000, "events": MAX_EVENTS}


def preview_ics(
    session: Session,
    actor: Actor,
    project: Project,
    me: Membership,
    found: tuple[list[Candidate], int],
) -> Reply:
    """What the file would add for the sender's country, new breaks only, to confirm."""
    t = actor.t
    if me.country is None:
        return Reply().say(t("Tell me your school's country first: /profile"))
    assert project.id is not None
    candidates, left_out = found
    known = _known(session, actor, project.id, me.country)
    new = [c for c in candidates if (c.start, c.end) not in known]
    country = country_name(me.country, t.lang)
    parts = [t("<b>Breaks for {country} in the file</b>", country=country)]
    parts += [_break_line(c.start, c.end, c.name or t("School break")) for c in new[:PREVIEW_LINES]]
    if len(new) > PREVIEW_LINES:
        parts.append(t("… and {n} more", n=len(new) - PREVIEW_LINES))
    if len(candidates) > len(new):
        parts.append(t("Known already: {n}.", n=len(candidates) - len(new)))
    if left_out:
        parts.append(t("Left out as longer than three months or over already: {n}.", n=left_out))
    if not new:
        actor.scratch.pop(PENDING, None)
        parts.append(t("Nothing new to add."))
        return Reply().say(lines(*parts))
    actor.scratch[PENDING] = {
        "project": project.id,
        "country": me.country,
        "breaks": [[c.start.isoformat(), c.end.isoformat(), c.name] for c in new],
    }
    parts.append(t.tn("Add this break?", "Add these {n} breaks?", len(new)))
    buttons = [[
        Button(t("Add them"), data=f"ics:{project.id}:yes"),
        Button(t("Cancel"), data=f"ics:{project.id}:no"),
    ]]  # fmt: skip
    return Reply().say(lines(*parts), buttons)


def confirm_ics(session: Session, actor: Actor, project_id: int, add: bool) -> Reply:
    """The teacher's answer to the preview: the breaks are added only now, once."""
    t = actor.t
    pending = actor.scratch.get(PENDING)
    if not pending or pending["project"] != project_id:
        return stale(session, actor)
    me = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    actor.scratch.pop(PENDING)
    if me is None or me.country is None or me.country != pending["country"]:
        return stale(session, actor)
    if not add:
        return Reply(clear_buttons=True).say(t("Nothing was added."))
    known = _known(session, actor, project_id, me.country)
    added = 0
    for first, last, name in pending["breaks"]:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        if (start, end) in known:
            continue  # the same file confirmed twice
        known.add((start, end))
        breaks.add(
            session,
            project_id=project_id,
            country=me.country,
            start=start,
            end=end,
            name=name or t("School break"),
            by=actor.user.id,
            source="ics",
            region=_region(actor, me.country),
        )
        added += 1
    _replan_author(session, actor, project_id)
    country = country_name(me.country, t.lang)  # not inside t.tn(): Babel would misread it
    note = t.tn(
        "Added {n} break for {country} from the file.",
        "Added {n} breaks for {country} from the file.",
        added,
        country=country,
    )
    return Reply(clear_buttons=True).say(note)


def _replan_author(session: Session, actor: Actor, project_id: int) -> None:
    """A new entry counts at once for every team of its author: their reminders follow."""
    mine = {p.id for p in teams.user_projects(session, user_id=actor.user.id) if p.id is not None}
    teams_changed(session, mine | {project_id}, actor.now)


def _region(actor: Actor, country: str) -> str | None:
    """The teacher's region, when they enter breaks for their own country: a Madrid
    teacher's entry holds for Madrid, not for all of Spain."""
    return actor.user.region if actor.user.country == country else None


def _known(session: Session, actor: Actor, project_id: int, country: str) -> set[tuple[date, date]]:
    """The dates of the breaks this team already knows for a country (any source), those
    of the sender's region included and other regions' left out."""
    found = breaks.for_project(session, project_id=project_id, countries=[country])
    return {(b.start, b.end) for b in for_region(found, country, _region(actor, country))}


def _break_line(start: date, end: date, name: str) -> Html:
    return Html(f"• {start:%d.%m.%Y} – {end:%d.%m.%Y}: {escape(name)}")


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
    await break_refresh.refresh(
        context.db, context.settings.openholidays_url, wanted, datetime.now(UTC)
    )


async def on_breaks(update: Update, context: Ctx) -> None:
    """/breaks, or /breaks add <from>–<to> <name>."""
    args = " ".join(context.args or [])
    if args.lower().startswith("add"):
        text = args[3:]
        await respond(update, context, for_member(lambda s, a, p, m: add_break(s, a, p, m, text)))
        return
    await refresh_for_sender(update, context)
    await respond(update, context, for_member(overview))


async def _read(document: Document) -> tuple[list[Candidate], int] | Unreadable:
    """The file's break candidates, read within limits and off the event loop."""
    if (document.file_size or 0) > MAX_BYTES:
        return Unreadable("size")  # not even downloaded
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(read_breaks, content, datetime.now(UTC).date()), PARSE_SECONDS
        )
    except Unreadable as problem:
        return problem
    except TimeoutError:
        return Unreadable("slow")


def unreadable(_session: Session, actor: Actor, problem: Unreadable) -> Reply:
    return Reply().say(
        actor.t(
            UNREADABLE[problem.reason],
            most=LIMIT_OF.get(problem.reason, ""),
            line=problem.line or "?",
            text=problem.text,
        )
    )


async def on_ics_file(update: Update, context: Ctx) -> None:
    """An .ics file sent privately: read, then previewed for the teacher to confirm."""
    assert update.message is not None and update.message.document is not None
    found = await _read(update.message.document)
    if isinstance(found, Unreadable):
        await respond(update, context, partial(unreadable, problem=found))
        return
    await respond(
        update,
        context,
        for_member(partial(preview_ics, found=found), private_only=True),
    )


on_confirm = button(CONFIRM, lambda s, a, m: confirm_ics(s, a, int(m[1]), m[2] == "yes"))


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("breaks", on_breaks),
        CallbackQueryHandler(on_confirm, pattern="^ics:"),
        CallbackQueryHandler(shared.on_decide, pattern="^brk:"),
        MessageHandler(
            filters.UpdateType.MESSAGE  # not a caption edited later: imported once
            & filters.ChatType.PRIVATE
            & filters.Document.FileExtension("ics"),
            on_ics_file,
        ),
    ]
