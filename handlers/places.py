"""Each teacher's calendar as the pure calendar maths wants it: their country's public
holidays, the school breaks known for that country in this project, their own pauses
(/away)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from holidays import list_supported_countries
from sqlmodel import Session

from scheduler.calendar import Break, Pause, Place, works_on
from storage import breaks, teams, users
from storage.models import User

HOLIDAY_COUNTRIES = frozenset(list_supported_countries())


def team_places(session: Session, project_id: int) -> dict[int, tuple[User, Place]]:
    """Every member with a known country → (teacher, calendar)."""
    team = [m.user for m in teams.members(session, project_id=project_id) if m.user is not None]
    countries = {u.country for u in team if u.country in HOLIDAY_COUNTRIES}
    by_country: dict[str, list[Break]] = {}
    for row in breaks.for_project(session, project_id=project_id, countries=countries):
        by_country.setdefault(row.country, []).append(Break(row.start, row.end, row.name))
    away = users.aways(session, user_ids=[u.id for u in team])
    return {
        u.id: (
            u,
            Place(
                u.country,
                breaks=tuple(by_country.get(u.country, ())),
                pauses=tuple(Pause(start, end) for start, end in away.get(u.id, [])),
            ),
        )
        for u in team
        if u.country in HOLIDAY_COUNTRIES
    }


def working_days(place: Place | None) -> Callable[[date], bool]:
    """A planner's predicate; Monday to Friday when the country is unknown."""
    if place is None:
        return lambda day: day.weekday() < 5
    return partial(works_on, place=place)
