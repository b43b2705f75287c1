"""/breaks: the school holidays of every partner's country, per country and region, with
where each comes from. Fetched from the OpenHolidays API (cached, refreshed weekly by
scheduler/break_refresh.py) when the list is asked for; a teacher adds their school's own
breaks where the API has nothing or their school differs (handlers/break_entry.py), or
sends an .ics file (handlers/break_file.py). An entry goes into the teacher's country's
shared calendar (handlers/shared_breaks.py says where it counts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import Ctx
from bot.i18n import Html, escape, lines
from bot.reply import Reply
from bot.rules.countries import country_name, flag
from handlers import break_file
from handlers import shared_breaks as shared
from handlers.break_entry import add_break
from handlers.buttons import Flow
from handlers.guards import for_member
from handlers.step import Actor, respond
from scheduler import break_refresh, openholidays
from scheduler.places import HOLIDAY_COUNTRIES, team_breaks
from storage import breaks, shared_breaks, teams
from storage.models import Membership, Project, SchoolBreak

AHEAD = timedelta(days=365)


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


FLOW = Flow(
    commands=(
        CommandHandler("breaks", on_breaks),
        MessageHandler(
            filters.UpdateType.MESSAGE  # not a caption edited later: imported once
            & filters.ChatType.PRIVATE
            & filters.Document.FileExtension("ics"),
            break_file.on_ics_file,
        ),
    )
)
