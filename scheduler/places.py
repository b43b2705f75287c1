"""Each teacher's calendar as the pure calendar maths wants it: their country's public
holidays, the school breaks known for that country in this project, their own pauses
(/away)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from holidays import list_supported_countries
from sqlmodel import Session

from bot.i18n import N_
from scheduler.calendar import Break, Pause, Place, ReasonKind, works_on
from storage import breaks, teams, users
from storage.models import User
from storage.teams import Member

HOLIDAY_COUNTRIES = frozenset(list_supported_countries())
# Why a teacher cannot work on a day, as a screen names it.
REASONS = {
    ReasonKind.WEEKEND: N_("weekend"),
    ReasonKind.PUBLIC_HOLIDAY: N_("public holiday"),
    ReasonKind.SCHOOL_BREAK: N_("school break"),
    ReasonKind.PERSONAL_PAUSE: N_("away"),
}


def team_places(session: Session, project_id: int) -> dict[int, tuple[User, Place]]:
    """Every member with a known country → (teacher, calendar)."""
    members = teams.members(session, project_id=project_id)
    return teams_places(session, {project_id: members})[project_id]


def teams_places(
    session: Session, teams_of: dict[int, list[Member]]
) -> dict[int, dict[int, tuple[User, Place]]]:
    """team_places for many teams (project → members) with two queries in all."""
    team_users = {
        project_id: [m.user for m in members if m.user is not None]
        for project_id, members in teams_of.items()
    }
    everyone = [u for users_ in team_users.values() for u in users_]
    countries = {u.country for u in everyone if u.country in HOLIDAY_COUNTRIES}
    found = breaks.for_projects(session, project_ids=list(teams_of), countries=countries)
    away = users.aways(session, user_ids=sorted({u.id for u in everyone}))
    places: dict[int, dict[int, tuple[User, Place]]] = {}
    for project_id, members in team_users.items():
        by_country: dict[str, list[Break]] = {}
        for row in found.get(project_id, []):
            by_country.setdefault(row.country, []).append(Break(row.start, row.end, row.name))
        places[project_id] = {
            u.id: (
                u,
                Place(
                    u.country,
                    breaks=tuple(by_country.get(u.country, ())),
                    pauses=tuple(Pause(start, end) for start, end in away.get(u.id, [])),
                ),
            )
            for u in members
            if u.country in HOLIDAY_COUNTRIES
        }
    return places


def working_days(place: Place | None) -> Callable[[date], bool]:
    """A planner's predicate; Monday to Friday when the country is unknown."""
    if place is None:
        return lambda day: day.weekday() < 5
    return partial(works_on, place=place)
