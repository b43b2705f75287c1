"""/breaks add 22.12.2026–03.01.2027 Ziemassvētku brīvlaiks: a teacher's own entry for
their school, where the API has nothing or the school differs. It counts at once for the
author's teams, so their reminders are planned again here."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.reply import Reply
from bot.rules.countries import country_name
from handlers.step import Actor
from scheduler.date_reader import read_range
from scheduler.ics_import import break_problem
from scheduler.moments import zone_of
from scheduler.reminders.plans import teams_changed
from storage import breaks, teams
from storage.models import Membership, Project

NAME_MAX = 200


def parse_range(text: str, today: date) -> tuple[date, date, str] | None:
    """ "22.12.2026–03.01.2027 Winter break", "no 22.12. līdz 3.01. Ziemassvētki" →
    (start, end, name), read as every date in the bot is (`scheduler.date_reader`); None
    without both days or without a name."""
    span = read_range(text, today)
    name = span.rest.strip(" –-:,") if span is not None else ""
    if span is None or span.start is None or not name:
        return None
    return span.start, span.end, name


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
        region=region_of(actor, country),
    )
    replan_author(session, actor, project.id)  # no reminder on the new days off
    return Reply().say(
        t(
            "Added for {country}: {name}, {start} – {end}. It counts for your teams now, and for other teams with a teacher from {country} once one of them confirms it in /breaks.",
            country=country_name(country, t.lang),
            name=name,
            start=f"{start:%d.%m.%Y}",
            end=f"{end:%d.%m.%Y}",
        )
    )


def replan_author(session: Session, actor: Actor, project_id: int) -> None:
    """A new entry counts at once for every team of its author: their reminders follow."""
    mine = {p.id for p in teams.user_projects(session, user_id=actor.user.id) if p.id is not None}
    teams_changed(session, mine | {project_id}, actor.now)


def region_of(actor: Actor, country: str) -> str | None:
    """The teacher's region, when they enter breaks for their own country: a Madrid
    teacher's entry holds for Madrid, not for all of Spain."""
    return actor.user.region if actor.user.country == country else None
